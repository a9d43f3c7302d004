using System.Collections.Concurrent;

namespace Microsoft.ML.SynapticPruning.Orleans.Tests;

/// <summary>
/// What the fake runners of an in-process test cluster did, per silo: trials started, peak concurrency. Shared by
/// the silos of one process (they are built by parameterless configurators), reset by each test.
/// </summary>
internal static class TrialLog
{
    private static readonly object Gate = new();
    private static readonly Dictionary<string, int> Running = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, int> Peak = new(StringComparer.Ordinal);
    private static readonly List<(string Silo, string TrialId)> Starts = new();

    /// <summary>The storage shared by the silos of the current test cluster.</summary>
    public static ConcurrentDictionary<string, (byte[] Data, string ETag)> Storage { get; private set; } = new();

    /// <summary>While true, every write to <see cref="Storage"/> fails (a storage outage).</summary>
    public static volatile bool StorageWritesFail;

    private static readonly ConcurrentQueue<(string TrialId, byte[] Payload)> Acknowledged = new();
    private static int _failedCoordinatorWrites;

    /// <summary>Records a result the coordinator acknowledged (Complete returned true, or Results returned it).</summary>
    public static void Acknowledge(string trialId, byte[] payload) => Acknowledged.Enqueue((trialId, payload));

    /// <summary>Every acknowledged result so far.</summary>
    public static IReadOnlyList<(string TrialId, byte[] Payload)> AcknowledgedResults() => Acknowledged.ToArray();

    /// <summary>Counts a worker's call to a coordinator that failed (e.g. because storage was down).</summary>
    public static void CoordinatorCallFailed() => Interlocked.Increment(ref _failedCoordinatorWrites);

    /// <summary>Workers' coordinator calls that failed since the last reset.</summary>
    public static int FailedCoordinatorCalls => Volatile.Read(ref _failedCoordinatorWrites);

    public static void Reset()
    {
        lock (Gate)
        {
            Running.Clear();
            Peak.Clear();
            Starts.Clear();
            Storage = new();
            StorageWritesFail = false;
            Acknowledged.Clear();
            _failedCoordinatorWrites = 0;
        }
    }

    public static void Start(string silo, string trialId)
    {
        lock (Gate)
        {
            Starts.Add((silo, trialId));
            int now = Running.GetValueOrDefault(silo) + 1;
            Running[silo] = now;
            Peak[silo] = Math.Max(Peak.GetValueOrDefault(silo), now);
        }
    }

    public static void End(string silo)
    {
        lock (Gate)
            Running[silo]--;
    }

    public static int RunningOn(string silo)
    {
        lock (Gate)
            return Running.GetValueOrDefault(silo);
    }

    public static IReadOnlyDictionary<string, int> PeakBySilo()
    {
        lock (Gate)
            return new Dictionary<string, int>(Peak);
    }

    public static IReadOnlyList<(string Silo, string TrialId)> StartedTrials()
    {
        lock (Gate)
            return Starts.ToArray();
    }
}
