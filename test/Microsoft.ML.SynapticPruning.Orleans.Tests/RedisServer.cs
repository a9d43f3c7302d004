using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Orleans.Tests;

/// <summary>
/// A redis-server process owned by a test: 127.0.0.1 on a free port, append-only persistence with an fsync per write
/// (<c>--appendonly yes --appendfsync always</c>) in a temporary folder, no snapshots. <see cref="Kill"/> is
/// <c>kill -9</c>; <see cref="StartAsync"/> again restarts it on the same port and folder, from its append-only file.
/// </summary>
internal sealed class RedisServer : IDisposable
{
    /// <summary>Environment variable with the path of the redis-server binary (set by .ci/run).</summary>
    public const string BinaryVariable = "SP_REDIS_SERVER";

    /// <summary>Environment variable that, when "1", makes a missing redis-server a test failure instead of a skip (set by .ci/run).</summary>
    public const string RequiredVariable = "SP_REQUIRE_REDIS";

    private readonly string _binary;
    private Process? _process;

    private RedisServer(string binary)
    {
        _binary = binary;
        Port = FreePort();
        Folder = Path.Combine(Path.GetTempPath(), "sp-redis-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
    }

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The folder holding the append-only file.</summary>
    public string Folder { get; }

    /// <summary>StackExchange.Redis configuration for this server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>True when CI requires the Redis tests to run (a missing server fails them).</summary>
    public static bool Required => Environment.GetEnvironmentVariable(RequiredVariable) == "1";

    /// <summary>The redis-server binary: <see cref="BinaryVariable"/>, else the first on PATH; null when there is none.</summary>
    public static string? FindBinary()
    {
        string? configured = Environment.GetEnvironmentVariable(BinaryVariable);
        if (!string.IsNullOrWhiteSpace(configured))
            return File.Exists(configured) ? configured : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, OperatingSystem.IsWindows() ? "redis-server.exe" : "redis-server");
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    /// <summary>Why Redis tests cannot run here, or null when they can.</summary>
    public static string? Unavailable()
    {
        string? configured = Environment.GetEnvironmentVariable(BinaryVariable);
        if (!string.IsNullOrWhiteSpace(configured) && !File.Exists(configured))
            return $"{BinaryVariable} names '{configured}', which does not exist";
        return FindBinary() is null ? $"no redis-server on PATH and {BinaryVariable} is not set" : null;
    }

    /// <summary>Starts a new server (fails the test with the reason when redis-server is missing).</summary>
    public static async Task<RedisServer> StartNewAsync()
    {
        string binary = FindBinary() ?? throw new InvalidOperationException(
            $"redis-server is required ({RequiredVariable}=1) but unavailable: {Unavailable()}. .ci/run installs it (apt-get install redis-server).");
        var server = new RedisServer(binary);
        await server.StartAsync();
        return server;
    }

    /// <summary>Starts the process (again) and waits until it answers PING (after loading its append-only file).</summary>
    public async Task StartAsync()
    {
        if (_process is { HasExited: false })
            throw new InvalidOperationException($"redis-server on port {Port} is already running (pid {_process.Id}).");
        var info = new ProcessStartInfo(_binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--bind", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--dir", Folder, "--appendonly", "yes", "--appendfsync", "always", "--save", "",
            "--protected-mode", "yes", "--daemonize", "no", "--logfile", "",
        })
            info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {_binary}.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"redis-server on port {Port} exited at start with code {process.ExitCode}.");
            if (await PingAsync())
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"redis-server on port {Port} did not answer PING within 20 s.");
            await Task.Delay(50);
        }
    }

    /// <summary>kill -9: the process dies at once; only what reached the append-only file survives.</summary>
    public void Kill()
    {
        if (_process is null)
            return;
        try
        {
            _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // already exited
        }
        _process.WaitForExit();
        _process.Dispose();
        _process = null;
    }

    /// <summary>Kills the server and deletes its folder.</summary>
    public void Dispose()
    {
        Kill();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port).WaitAsync(TimeSpan.FromSeconds(1));
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("PING\r\n"));
            var buffer = new byte[64];
            int n = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(1));
            return Encoding.ASCII.GetString(buffer, 0, n).StartsWith("+PONG", StringComparison.Ordinal); // "-LOADING" while reading the file
        }
        catch (Exception ex) when (ex is SocketException or IOException or TimeoutException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// A fact that needs a redis-server binary. Without one it is skipped, visibly and with the reason — except when
/// <see cref="RedisServer.RequiredVariable"/> is "1" (CI), where it runs and fails, so CI never passes it unproven.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RedisFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when Redis is unavailable and not required.</summary>
    public RedisFactAttribute()
    {
        if (!RedisServer.Required && RedisServer.Unavailable() is { } reason)
            Skip = $"Redis test not run: {reason} (install redis-server, or set {RedisServer.BinaryVariable}; CI sets {RedisServer.RequiredVariable}=1 and fails instead).";
    }
}
