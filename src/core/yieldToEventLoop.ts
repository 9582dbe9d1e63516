/**
 * Lets queued events (a cancel message to a worker, a progress repaint) run between the stages of long
 * synchronous work, without timers: a message to oneself is a macrotask in browsers, workers and Node.
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof MessageChannel !== 'function') return Promise.resolve();
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
