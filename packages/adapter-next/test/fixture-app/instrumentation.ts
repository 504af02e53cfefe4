// What a user writes to record exactly the sender's headers from App Router routes.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { installSenderStamp } = await import('../../dist/index.js');
  installSenderStamp();
}
