using System.Diagnostics;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Pruning;
using TorchSharp;
using static TorchSharp.torch;

namespace SynapticPruning.Bench;

internal static class Probe
{
    public static int Run(string[] args)
    {
        torch.set_num_threads(1);
        var spec = args.Length > 0 && args[0] == "patchtst" ? PruningFigures.PatchTst : PruningFigures.Lstm;
        var data = BenchData.ScaledRowMajor(new[] { BenchData.Synthetic(20_000) });
        using var r = new StepRunner(spec, data, 20_000, 64, prune: true);
        r.Run(50);
        var p = r.Pruner!;
        var sw = new Stopwatch();
        var lu = new List<double>(); var ln = new List<double>(); var la = new List<double>();
        long step = 1000;
        using var adam = torch.optim.Adam(r.Module.parameters(), lr: 1e-3);
        if (args.Length < 2 || args[1] != "noopt") p.AttachOptimizer(adam);
        var x = torch.randn(64, spec.Lookback, 1);
        var y = torch.randn(64, 1, 1);
        for (int i = 0; i < 200; i++)
        {
            using var scope = torch.NewDisposeScope();
            adam.zero_grad();
            var loss = torch.nn.functional.mse_loss(r.Module.Forward(x, ForwardContext.Inference), y);
            loss.backward();
            step++;
            sw.Restart();
            p.AfterBackward(0, step);
            double t = sw.Elapsed.TotalMilliseconds;
            if (step % 5 == 0) lu.Add(t); else ln.Add(t);
            adam.step();
            sw.Restart();
            p.AfterOptimizerStep();
            la.Add(sw.Elapsed.TotalMilliseconds);
        }
        var w = torch.randn(256, 64);
        var mask = torch.ones_like(w).lt(0.5);
        var fmask = torch.ones_like(w);
        using (torch.no_grad())
        {
            for (int k = 0; k < 100; k++) w.masked_fill_(mask, 0);
            sw.Restart(); for (int k = 0; k < 1000; k++) w.masked_fill_(mask, 0); Console.WriteLine($"masked_fill_ {w.numel()} {sw.Elapsed.TotalMilliseconds:0.000} us");
            sw.Restart(); for (int k = 0; k < 1000; k++) w.mul_(fmask); Console.WriteLine($"mul_ {sw.Elapsed.TotalMilliseconds:0.000} us");
            sw.Restart(); for (int k = 0; k < 1000; k++) { w.masked_fill_(mask.logical_not(), 0); } Console.WriteLine($"grad getter {sw.Elapsed.TotalMilliseconds:0.000} us");
            sw.Restart(); for (int k = 0; k < 1000; k++) { var sd = adam.state_dict(); } Console.WriteLine($"state_dict {sw.Elapsed.TotalMilliseconds:0.000} us");
            sw.Restart(); for (int k = 0; k < 1000; k++) { using var s = w.sum(); s.item<float>(); } Console.WriteLine($"sum.item {sw.Elapsed.TotalMilliseconds:0.000} us");
        }
        var lp = new List<double>();
        double target = p.GlobalSparsity;
        for (int k = 0; k < 30; k++) { target += 0.001; sw.Restart(); p.PruneTo(target); lp.Add(sw.Elapsed.TotalMilliseconds); }
        Console.WriteLine($"PruneTo median {Stats.Median(lp):0.000} ms min {lp.Min():0.000}");
        Console.WriteLine($"AfterBackward update {Stats.Median(lu):0.000} ms, no update {Stats.Median(ln):0.000} ms, AfterOptimizerStep {Stats.Median(la):0.000} ms (medians); sparsity {p.GlobalSparsity:P2}");
        return 0;
    }
}
