using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace SynapticPruning.Bench;

internal static class Probe3
{
    public static int Run(string[] args)
    {
        torch.set_num_threads(1);
        var sw = new Stopwatch();
        foreach (long n in new long[] { 16_704, 100_000, 1_000_000 })
        {
            var v = torch.rand(n);
            var mask = torch.rand(n).lt(0.4);
            var inf = v.clone().masked_fill_(mask, float.PositiveInfinity);
            var zero = v.clone().masked_fill_(mask, 0);
            long kIn = (long)(n * 0.6 * 0.01) + 1;
            foreach (var (name, t, k) in new[] { ("distinct", v, n / 100), ("40% +inf", inf, kIn), ("40% zeros", zero, (long)(n * 0.4) + kIn) })
            {
                double best = double.MaxValue;
                for (int i = 0; i < 7; i++)
                {
                    sw.Restart();
                    using var scope = torch.NewDisposeScope();
                    var (kth, _) = t.kthvalue(k, 0, false);
                    _ = kth.item<float>();
                    best = Math.Min(best, sw.Elapsed.TotalMilliseconds);
                }
                double bestTop = double.MaxValue;
                for (int i = 0; i < 7; i++)
                {
                    sw.Restart();
                    using var scope = torch.NewDisposeScope();
                    var (vals, _) = t.topk((int)k, largest: false, sorted: false);
                    _ = vals.max().item<float>();
                    bestTop = Math.Min(bestTop, sw.Elapsed.TotalMilliseconds);
                }
                Console.WriteLine($"n={n} {name}: kthvalue {best:0.000} ms, topk {bestTop:0.000} ms");
            }
        }
        return 0;
    }
}
