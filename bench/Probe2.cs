using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace SynapticPruning.Bench;

internal static class Probe2
{
    public static int Run(string[] args)
    {
        torch.set_num_threads(1);
        var spec = args.Length > 0 && args[0] == "patchtst" ? PruningFigures.PatchTst : PruningFigures.Lstm;
        torch.manual_seed(1);
        using var module = Microsoft.ML.SynapticPruning.Models.ForecasterFactory.Create(spec);
        var ps = module.named_parameters().Where(p => p.parameter.dim() >= 2 && p.name.Contains("weight")).Select(p => p.parameter).ToArray();
        var pruned = ps.Select(p => torch.rand(p.shape).lt(0.4)).ToArray();
        var sizes = ps.Select(p => p.numel()).ToArray();
        var sw = new Stopwatch();
        var t = new double[8];
        for (int it = 0; it < 60; it++)
        {
            using var nog = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            sw.Restart();
            var scores = new Tensor[ps.Length];
            for (int i = 0; i < ps.Length; i++)
                scores[i] = ps[i].detach().abs().to_type(ScalarType.Float32).masked_fill_(pruned[i], float.PositiveInfinity).flatten();
            t[0] += sw.Elapsed.TotalMilliseconds; sw.Restart();
            var all = torch.cat(scores, 0);
            t[1] += sw.Elapsed.TotalMilliseconds; sw.Restart();
            var (kth, _) = all.kthvalue(all.numel() / 2, 0, false);
            float threshold = kth.item<float>();
            t[2] += sw.Elapsed.TotalMilliseconds; sw.Restart();
            var select = all.lt(threshold);
            long below = select.sum().item<long>();
            t[3] += sw.Elapsed.TotalMilliseconds; sw.Restart();
            var pieces = select.split(sizes, 0);
            t[4] += sw.Elapsed.TotalMilliseconds; sw.Restart();
            for (int i = 0; i < ps.Length; i++)
            {
                var piece = pieces[i].view(ps[i].shape);
                long count = piece.sum().item<long>();
            }
            t[5] += sw.Elapsed.TotalMilliseconds; sw.Restart();
            var (kth2, _) = all.topk(1, largest: false);
            t[6] += sw.Elapsed.TotalMilliseconds; sw.Restart();
        }
        Console.WriteLine($"N={sizes.Sum()} scores {t[0] / 60:0.000} cat {t[1] / 60:0.000} kth {t[2] / 60:0.000} lt+sum {t[3] / 60:0.000} split {t[4] / 60:0.000} per-tensor sums {t[5] / 60:0.000} topk1 {t[6] / 60:0.000} ms");
        return 0;
    }
}
