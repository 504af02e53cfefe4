// The provider registry: every provider this gateway serves. The dashboard (webhook routes,
// filters, charts) and the CLI (`send`, `demo`, `replay`) derive everything from this list.
// Adding a provider is one line here (and its package installed at the repo root).
// Secrets: HOOKGATE_SECRET_<ID> (e.g. HOOKGATE_SECRET_WEBHOOKS_B), else data/secrets.json, generated on first start.
import { defineConfig } from '@hookgate/config';
import { fixtures as githubFixtures, github, signGitHub } from '@hookgate/provider-github';
import { fixtures as pylonFixtures, pylon, signPylon } from '@hookgate/provider-pylon';
import { fixtures as shopifyFixtures, shopify, signShopify } from '@hookgate/provider-shopify';
import { fixtures as slackFixtures, signSlack, slack } from '@hookgate/provider-slack';
import { fixtures as standardWebhooksFixtures, signStandardWebhook, standardWebhooks } from '@hookgate/provider-standard-webhooks';
import { fixtures as stripeFixtures, signStripe, stripe } from '@hookgate/provider-stripe';
import { fixtures as webhooksBFixtures, signWebhooksB, webhooksB } from '@hookgate/provider-webhooks-b';

export default defineConfig({
  providers: [
    { provider: pylon(), sign: signPylon, fixtures: pylonFixtures },
    { provider: webhooksB(), sign: signWebhooksB, fixtures: webhooksBFixtures },
    { provider: stripe(), sign: signStripe, fixtures: stripeFixtures },
    { provider: github(), sign: signGitHub, fixtures: githubFixtures },
    { provider: standardWebhooks(), sign: signStandardWebhook, fixtures: standardWebhooksFixtures },
    { provider: slack(), sign: signSlack, fixtures: slackFixtures },
    { provider: shopify(), sign: (input) => signShopify({ topic: input.event, ...input }), fixtures: shopifyFixtures }, // Shopify calls the event its topic
  ],
});
