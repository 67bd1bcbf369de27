using Vse.Cli;

if (args is ["run", ..])
{
    // A one-shot run spends most of its life waiting for one child (runc, then the command) that
    // needs the machine's cores, while the thread pool's idle workers spin (sched_yield) before
    // they sleep: a few hundred yields a run, taken from runc on a small or busy host. The pool
    // reads this once, when it makes its first worker, so it is set before anything queues work.
    // Other commands keep the default: the deploys of many instances lean on the pool.
    AppContext.SetData("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", 0);
}

return await VseApplication.RunAsync(args, CliEnvironment.FromProcess());
