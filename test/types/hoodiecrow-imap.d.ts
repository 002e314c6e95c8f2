/** hoodiecrow-imap ships no types: the little the IMAP test server uses. */
declare module 'hoodiecrow-imap' {
  interface HoodiecrowServer {
    listen(port: number, host: string, callback: () => void): void;
    close(callback: () => void): void;
  }
  export default function hoodiecrow(options: {
    plugins?: string[];
    users?: Record<string, { password: string }>;
    storage?: Record<string, { messages: unknown[] }>;
  }): HoodiecrowServer;
}
