// The HMAC known-answer vectors both crypto backends are tested against (sign.test.ts for
// node:crypto, web-crypto.test.ts for Web Crypto).
import type { HmacAlgorithm } from '../src/crypto-backend.js';
import type { DigestEncoding } from '../src/digest-encoding.js';
import type { HmacOptions } from '../src/verify-hmac.js';

// Known-answer vectors computed by an independent implementation, Python's `hmac` module:
//
//   python3 -c "import hmac,hashlib,base64;m='{\"id\":\"evt_1\",\"text\":\"héllo ✓\"}'.encode();[print(a,(d:=hmac.new(b'whsec-test',m,a).digest()).hex(),base64.b64encode(d).decode(),base64.urlsafe_b64encode(d).rstrip(b'=').decode()) for a in ('sha1','sha256','sha512')]"
//
// The body holds multi-byte UTF-8 so the vectors also prove that the raw bytes are signed.
export const KAT_BODY = '{"id":"evt_1","text":"héllo ✓"}';
export const KAT: Record<HmacAlgorithm, Record<DigestEncoding, string>> = {
  sha1: {
    hex: '9d75da948d6306f0882d43ed5627fdfb855b0248',
    base64: 'nXXalI1jBvCILUPtVif9+4VbAkg=',
    base64url: 'nXXalI1jBvCILUPtVif9-4VbAkg',
  },
  sha256: {
    hex: '2317abd5ca50df2906ec555f5bf067580188caf645b21171b86a41468cf03374',
    base64: 'Ixer1cpQ3ykG7FVfW/BnWAGIyvZFshFxuGpBRozwM3Q=',
    base64url: 'Ixer1cpQ3ykG7FVfW_BnWAGIyvZFshFxuGpBRozwM3Q',
  },
  sha512: {
    hex: '684a8a6bbde30bab58b199f702b460e3502791cd86ad810ecf365fc813cb67a8bab8a54f7f770264a569a4643761e76e881a46c9d6d8d312d9986fe3c6ce5b82',
    base64: 'aEqKa73jC6tYsZn3ArRg41Ankc2GrYEOzzZfyBPLZ6i6uKVPf3cCZKVppGQ3YeduiBpGydbY0xLZmG/jxs5bgg==',
    base64url: 'aEqKa73jC6tYsZn3ArRg41Ankc2GrYEOzzZfyBPLZ6i6uKVPf3cCZKVppGQ3YeduiBpGydbY0xLZmG_jxs5bgg',
  },
};

//   python3 -c "import hmac,hashlib;print(hmac.new(bytes(range(32)),'{\"id\":\"evt_1\",\"text\":\"héllo ✓\"}'.encode(),hashlib.sha256).hexdigest())"
export const KAT_BYTE_KEY_SHA256 = '1981cc14d1f5b04ac0470cb265b8c997407202a6c3f42ed4d5085fd53b6d1105';
//   python3 -c "import hmac,hashlib;print(hmac.new(b'whsec-test',b'1732550400.'+'{\"id\":\"evt_1\",\"text\":\"héllo ✓\"}'.encode(),hashlib.sha256).hexdigest())"
export const KAT_TIMESTAMPED_SHA256 = '6807bc4f2d2adbe5e6d1a10b0ac47fa7631e8d7ab1ccfdb47a4ce94ed5539de6';
// The Webhooks B spec example (providers/webhooks-b.md):
//   python3 -c "import hmac,hashlib,base64;print(base64.b64encode(hmac.new(b'whsec-test',b'POST|1732550400|{\"userActionNotificationEventType\":\"user.action\"}',hashlib.sha512).digest()).decode())"
export const KAT_WEBHOOKS_B = 'QOhbVxykcGVlec1IeGvTpRpG4cyKWIrScAslyO0OyythDWBF6TqDUui0PuBbxMc/hAe4jhSddNfFi+Pu+S9hMQ==';
/** The Webhooks B strategy the {@link KAT_WEBHOOKS_B} vector is for. */
export const KAT_WEBHOOKS_B_OPTIONS: HmacOptions = {
  header: 'X-Webhook-Signature',
  algorithm: 'sha512',
  encoding: 'base64',
  signature: 'v1={digest}',
  message: '{$method}|{$request.header.X-Timestamp}|{$request.body}',
  missingHeader: 'empty',
};
