import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { runShare, ShareAbandoned, type SvdTask } from '../core/embedding/svdShares';
import { warmUpSvdKernels } from '../core/embedding/svdWarmUp';
import { COMMAND, DONE, type SvdHelperData, type SvdHelperReply } from './svdHelperThread';

/**
 * The thread of `SvdHelperThread`: it compiles the kernels (`warmUpSvdKernels`), says that it has started,
 * then waits on shared memory for each task, takes its share of it and marks it done. It blocks between tasks (it has nothing else to do): its owner
 * terminates it.
 */
const { control, port } = workerData as SvdHelperData;
warmUpSvdKernels();
parentPort!.postMessage('started');
for (let seen = 0; ;) {
  Atomics.wait(control, COMMAND, seen);
  seen = Atomics.load(control, COMMAND);
  try {
    // The owner posts the task before it announces it: it is in the port's queue.
    const task = receiveMessageOnPort(port)?.message as SvdTask | undefined;
    if (!task) throw new Error(`the LSA fit's helper thread found no task ${seen}`);
    runShare(task, 'helper');
  } catch (error) {
    // An abandoned share: the owner's own share failed and the owner says why.
    if (!(error instanceof ShareAbandoned))
      port.postMessage({ error: (error as Error).message } satisfies SvdHelperReply);
  }
  Atomics.store(control, DONE, seen);
  Atomics.notify(control, DONE);
}
