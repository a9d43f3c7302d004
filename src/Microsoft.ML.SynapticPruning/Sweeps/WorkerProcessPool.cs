using System.Diagnostics;
using System.Text;
using System.Threading.Channels;

namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>
/// Long-lived worker processes that run one request at a time each, with a budget of <see cref="Cores"/> cores: a
/// request that needs <c>threads</c> cores waits (first come, first served) until that many are free, so the requests
/// running at once never use more threads than there are cores. Used by <see cref="ProcessTrialScheduler"/> (sweeps)
/// and by the study command; the worker side is <see cref="WorkerProcessLoop"/>.
/// </summary>
/// <remarks>
/// <para><b>Protocol</b> (UTF-8 lines). A worker is started as <c>command arguments…</c> and writes
/// <c>@ready INFO</c> on standard output once it can take requests (<see cref="ValidateReady"/> may refuse INFO, e.g. a
/// worker that loaded other data). The pool then writes one request per line on its standard input and reads exactly one
/// <c>@reply TEXT</c> line back before it sends the next. Any other output line is the worker's log: it is kept (with the
/// end of standard error) for error messages and otherwise ignored. A worker exits when its standard input closes — also
/// in the middle of a request, so workers never outlive a parent that died.</para>
/// <para><b>Failures.</b> A worker that exits (or closes its output) before replying is discarded and the request runs
/// again on a fresh worker, up to <see cref="MaxAttempts"/> times in all; then the reply is a failure quoting the exit
/// code and the end of the worker's output. A worker that cannot start, or whose ready line is refused, gives a failure
/// with <see cref="WorkerProcessReply.StartFailed"/> set (no retry: another start would fail the same way).</para>
/// <para><b>Cancellation</b> kills the worker running the request (its whole process tree) and throws
/// <see cref="OperationCanceledException"/>. <see cref="Dispose"/> closes every worker's input, waits briefly and kills
/// those still running, so no worker outlives the pool.</para>
/// </remarks>
internal sealed class WorkerProcessPool : IDisposable
{
    /// <summary>The line a worker writes when it is ready: <c>@ready</c>, a space, then free text.</summary>
    public const string ReadyPrefix = "@ready";

    /// <summary>The prefix of a reply line: <c>@reply</c> and a space; the rest of the line is the reply.</summary>
    public const string ReplyPrefix = "@reply ";

    private readonly object _gate = new();
    private readonly string _command;
    private readonly string[] _arguments;
    private readonly LinkedList<Waiter> _waiters = new();
    private readonly Stack<WorkerProcess> _idle = new();
    private readonly HashSet<WorkerProcess> _live = new();
    private int _freeCores;
    private int _started;
    private bool _disposed;

    /// <summary>Creates a pool; no process starts before the first request.</summary>
    /// <param name="command">The worker executable.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="cores">Cores the requests may use at once (≥ 1); also the most workers alive at once.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cores"/> &lt; 1.</exception>
    public WorkerProcessPool(string command, IEnumerable<string> arguments, int cores)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        ArgumentNullException.ThrowIfNull(arguments);
        if (cores < 1) throw new ArgumentOutOfRangeException(nameof(cores), cores, "cores must be ≥ 1.");
        _command = command;
        _arguments = arguments.ToArray();
        Cores = cores;
        _freeCores = cores;
    }

    /// <summary>Cores the running requests may use together.</summary>
    public int Cores { get; }

    /// <summary>Working directory of the workers; null = the current directory.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Extra environment variables of the workers (on top of this process's environment).</summary>
    public IReadOnlyDictionary<string, string> EnvironmentVariables { get; init; } = new Dictionary<string, string>();

    /// <summary>Attempts per request when workers die before replying (≥ 1). Default 2: one re-run on a fresh worker.</summary>
    public int MaxAttempts { get; init; } = 2;

    /// <summary>Checks the text after <c>@ready</c>; returns null to accept the worker or the reason to refuse it.</summary>
    public Func<string, string?>? ValidateReady { get; init; }

    /// <summary>Worker processes started so far (including replacements of workers that died).</summary>
    public int WorkersStarted => Volatile.Read(ref _started);

    /// <summary>
    /// Runs one request on a worker once <paramref name="threads"/> cores (clamped to [1, <see cref="Cores"/>]) are free.
    /// Requests are admitted in the order of the calls: the cores are reserved synchronously, in this call, when they are
    /// free, and otherwise the request queues behind the earlier ones.
    /// </summary>
    /// <param name="request">One line of text (no line break).</param>
    /// <param name="threads">Cores the request uses.</param>
    /// <param name="started">Called (on a pool thread or this one) when the cores are reserved and the request goes to a worker.</param>
    /// <param name="cancellationToken">Abandons the request (its worker is killed).</param>
    /// <returns>The reply, or a failure (see the type remarks); never null.</returns>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The pool was disposed.</exception>
    public async Task<WorkerProcessReply> RunAsync(string request, int threads, Action? started, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Contains('\n') || request.Contains('\r'))
            throw new ArgumentException("A request must be a single line.", nameof(request));
        threads = Math.Clamp(threads, 1, Cores);
        await AcquireAsync(threads, cancellationToken).ConfigureAwait(false);
        try
        {
            started?.Invoke();
            string? lastError = null, lastWorker = null;
            for (int attempt = 1; attempt <= Math.Max(1, MaxAttempts); attempt++)
            {
                WorkerProcess worker;
                try
                {
                    worker = await TakeWorkerAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (WorkerStartException e)
                {
                    return new WorkerProcessReply(null, e.Message, e.Worker, attempt) { StartFailed = true };
                }
                string? reply;
                try
                {
                    reply = await worker.ExchangeAsync(request, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    Discard(worker, kill: true);
                    throw;
                }
                if (reply is not null)
                {
                    Return(worker);
                    return new WorkerProcessReply(reply, null, worker.Name, attempt);
                }
                // The worker died before replying.
                int? code = await worker.ExitCodeAsync().ConfigureAwait(false);
                Discard(worker, kill: true);
                cancellationToken.ThrowIfCancellationRequested();
                lastWorker = worker.Name;
                lastError = $"Worker {worker.Name} exited{(code is { } c ? $" with code {c}" : "")} before replying. Output: {worker.Tail()}";
            }
            return new WorkerProcessReply(null, MaxAttempts > 1 ? $"{lastError} (tried {MaxAttempts} times, each on a fresh worker)" : lastError, lastWorker, MaxAttempts);
        }
        finally
        {
            Release(threads);
        }
    }

    /// <summary>Closes every worker's input, waits up to 5 s for them to exit and kills the rest; queued requests fail.</summary>
    public void Dispose()
    {
        List<WorkerProcess> workers;
        List<Waiter> waiters;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            workers = _live.ToList();
            _live.Clear();
            _idle.Clear();
            waiters = _waiters.ToList();
            _waiters.Clear();
        }
        foreach (var w in waiters) w.Completion.TrySetException(new ObjectDisposedException(nameof(WorkerProcessPool)));
        foreach (var w in workers) w.CloseInput();
        var deadline = Stopwatch.StartNew();
        foreach (var w in workers)
        {
            var left = TimeSpan.FromSeconds(5) - deadline.Elapsed;
            if (left <= TimeSpan.Zero || !w.WaitForExit(left)) w.Kill();
            w.Dispose();
        }
    }

    private Task AcquireAsync(int threads, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            cancellationToken.ThrowIfCancellationRequested();
            if (_waiters.Count == 0 && _freeCores >= threads)
            {
                _freeCores -= threads;
                return Task.CompletedTask;
            }
            waiter = new Waiter(threads);
            waiter.Node = _waiters.AddLast(waiter);
        }
        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() =>
            {
                bool removed;
                lock (_gate)
                {
                    removed = waiter.Node?.List is not null;
                    if (removed) _waiters.Remove(waiter.Node!);
                }
                if (removed) waiter.Completion.TrySetCanceled(cancellationToken);
                // A later request may fit now that this one left the head of the queue.
                if (removed) Release(0);
            });
            _ = waiter.Completion.Task.ContinueWith(_ => registration.Dispose(), TaskScheduler.Default);
        }
        return waiter.Completion.Task;
    }

    private void Release(int threads)
    {
        var granted = new List<Waiter>();
        lock (_gate)
        {
            _freeCores += threads;
            while (_waiters.First is { } head && head.Value.Threads <= _freeCores)
            {
                _freeCores -= head.Value.Threads;
                _waiters.RemoveFirst();
                granted.Add(head.Value);
            }
        }
        foreach (var w in granted)
        {
            if (!w.Completion.TrySetResult())
                Release(w.Threads); // cancelled at the same moment: give the cores back
        }
    }

    private async Task<WorkerProcess> TakeWorkerAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            while (_idle.Count > 0)
            {
                var w = _idle.Pop();
                if (w.IsAlive) return w;
                _live.Remove(w);
                w.Dispose();
            }
        }
        var worker = StartWorker();
        Interlocked.Increment(ref _started);
        lock (_gate)
        {
            if (_disposed)
            {
                worker.Kill();
                worker.Dispose();
                throw new ObjectDisposedException(nameof(WorkerProcessPool));
            }
            _live.Add(worker);
        }
        string? ready;
        try
        {
            ready = await worker.ReadProtocolLineAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Discard(worker, kill: true);
            throw;
        }
        string? refusal = null;
        if (ready is null)
        {
            int? code = await worker.ExitCodeAsync().ConfigureAwait(false);
            refusal = $"Worker {worker.Name} exited{(code is { } c ? $" with code {c}" : "")} before it was ready. Output: {worker.Tail()}";
        }
        else if (!ready.StartsWith(ReadyPrefix, StringComparison.Ordinal))
            refusal = $"Worker {worker.Name} sent '{Shorten(ready)}' instead of its ready line. Output: {worker.Tail()}";
        else if (ValidateReady?.Invoke(ready[ReadyPrefix.Length..].Trim()) is { } why)
            refusal = $"Worker {worker.Name} was refused: {why}";
        if (refusal is not null)
        {
            Discard(worker, kill: true);
            throw new WorkerStartException(refusal, worker.Name);
        }
        return worker;
    }

    private WorkerProcess StartWorker()
    {
        var start = new ProcessStartInfo(_command)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        };
        foreach (var a in _arguments) start.ArgumentList.Add(a);
        if (WorkingDirectory is not null) start.WorkingDirectory = WorkingDirectory;
        foreach (var (k, v) in EnvironmentVariables) start.Environment[k] = v;
        try
        {
            return WorkerProcess.Start(start);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            throw new WorkerStartException($"Could not start worker '{_command}': {e.Message}", null);
        }
    }

    private void Return(WorkerProcess worker)
    {
        lock (_gate)
        {
            if (!_disposed && worker.IsAlive)
            {
                _idle.Push(worker);
                return;
            }
            _live.Remove(worker);
        }
        worker.Kill();
        worker.Dispose();
    }

    private void Discard(WorkerProcess worker, bool kill)
    {
        lock (_gate) _live.Remove(worker);
        if (kill) worker.Kill();
        worker.Dispose();
    }

    private static string Shorten(string s) => s.Length <= 200 ? s : s[..200] + "…";

    private sealed class Waiter(int threads)
    {
        public int Threads { get; } = threads;
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public LinkedListNode<Waiter>? Node { get; set; }
    }

    private sealed class WorkerStartException(string message, string? worker) : Exception(message)
    {
        public string? Worker { get; } = worker;
    }

    /// <summary>One worker process: protocol lines of its stdout in a channel, the rest of its output in a bounded tail.</summary>
    private sealed class WorkerProcess : IDisposable
    {
        private const int TailLength = 2000;
        private readonly Process _process;
        private readonly Channel<string> _lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        private readonly StringBuilder _tail = new();
        private readonly Task _pump;
        private int _disposed;

        private WorkerProcess(Process process)
        {
            _process = process;
            Name = $"{Environment.MachineName}/worker-pid{process.Id}";
            _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) AppendTail(e.Data); };
            _process.BeginErrorReadLine();
            _pump = Task.Run(PumpAsync);
        }

        public string Name { get; }

        public bool IsAlive
        {
            get
            {
                try { return !_process.HasExited && !_lines.Reader.Completion.IsCompleted; }
                catch (InvalidOperationException) { return false; }
            }
        }

        public static WorkerProcess Start(ProcessStartInfo start)
        {
            var process = new Process { StartInfo = start };
            process.Start();
            return new WorkerProcess(process);
        }

        /// <summary>Sends the request and returns the reply, or null when the worker died first.</summary>
        public async Task<string?> ExchangeAsync(string request, CancellationToken cancellationToken)
        {
            try
            {
                await _process.StandardInput.WriteLineAsync(request.AsMemory(), cancellationToken).ConfigureAwait(false);
                await _process.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // Broken pipe: the worker is gone; its exit is read below.
            }
            while (true)
            {
                string? line = await ReadProtocolLineAsync(cancellationToken).ConfigureAwait(false);
                if (line is null) return null;
                if (line.StartsWith(ReplyPrefix, StringComparison.Ordinal)) return line[ReplyPrefix.Length..];
                AppendTail(line); // an unexpected protocol line: keep it for the error message
            }
        }

        /// <summary>The next protocol line (starting with '@'), or null at the end of the worker's output.</summary>
        public async Task<string?> ReadProtocolLineAsync(CancellationToken cancellationToken)
        {
            try
            {
                return await _lines.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                return null;
            }
        }

        /// <summary>The exit code once the worker has exited (waits up to 5 s after its output ended), else null.</summary>
        public async Task<int?> ExitCodeAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                return _process.ExitCode;
            }
            catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
            {
                return null;
            }
        }

        public string Tail()
        {
            lock (_tail)
            {
                string text = _tail.ToString().Trim();
                return text.Length == 0 ? "(none)" : text;
            }
        }

        public void CloseInput()
        {
            try { _process.StandardInput.Close(); }
            catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException) { }
        }

        public bool WaitForExit(TimeSpan timeout)
        {
            try { return _process.WaitForExit(timeout); }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception) { return true; }
        }

        public void Kill()
        {
            try
            {
                if (!_process.HasExited) _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
            {
                // Already exited, or exiting while being killed.
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            CloseInput();
            _process.Dispose();
        }

        private async Task PumpAsync()
        {
            try
            {
                var reader = _process.StandardOutput;
                string? line;
                while ((line = await reader.ReadLineAsync().ConfigureAwait(false)) is not null)
                {
                    if (line.StartsWith('@')) _lines.Writer.TryWrite(line);
                    else AppendTail(line);
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // The process was disposed or its pipe broke: treated as the end of its output.
            }
            finally
            {
                _lines.Writer.TryComplete();
            }
        }

        private void AppendTail(string line)
        {
            lock (_tail)
            {
                _tail.Append(line).Append('\n');
                if (_tail.Length > 2 * TailLength) _tail.Remove(0, _tail.Length - TailLength);
            }
        }
    }
}

/// <summary>The outcome of <see cref="WorkerProcessPool.RunAsync"/>.</summary>
/// <param name="Reply">The worker's reply (the text after <c>@reply </c>), or null on failure.</param>
/// <param name="Error">Why there is no reply (exit code and the end of the worker's output), or null.</param>
/// <param name="Worker">The worker that replied or failed last (<c>machine/worker-pid…</c>), or null when none started.</param>
/// <param name="Attempts">Workers the request was sent to (or started for it).</param>
internal sealed record WorkerProcessReply(string? Reply, string? Error, string? Worker, int Attempts)
{
    /// <summary>Whether a reply came back.</summary>
    public bool Succeeded => Reply is not null;

    /// <summary>Whether no worker could be started (or its ready line was refused); every later request would fail the same way.</summary>
    public bool StartFailed { get; init; }
}
