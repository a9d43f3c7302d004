using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Models.Layers;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Tests.Models;

[Collection("Torch")]
public class ResidualMultiHeadAttentionTests
{
    private const int ModelDimension = 8, NumberOfHeads = 2, HeadDim = 4, Tokens = 5;

    private static Tensor Project(ResidualMultiHeadAttention attention, string name, Tensor x)
    {
        var parameters = attention.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        return torch.matmul(x, parameters[name + ".weight"].t()) + parameters[name + ".bias"];
    }

    [Fact]
    public void MatchesAHeadByHeadComputation()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(1);
        using var attention = new ResidualMultiHeadAttention(ModelDimension, NumberOfHeads, attentionDropout: 0, projectionDropout: 0);
        var x = ModelTestData.RandomInput(3, Tokens, ModelDimension, seed: 41);
        var (output, scores) = attention.Forward(x, null, ForwardContext.Inference);

        var q = Project(attention, "query", x);
        var k = Project(attention, "key", x);
        var v = Project(attention, "value", x);
        var heads = new List<Tensor>();
        for (int h = 0; h < NumberOfHeads; h++)
        {
            var qh = q.narrow(2, h * HeadDim, HeadDim);
            var kh = k.narrow(2, h * HeadDim, HeadDim);
            var vh = v.narrow(2, h * HeadDim, HeadDim);
            var s = torch.matmul(qh, kh.transpose(1, 2)) / Math.Sqrt(HeadDim);
            Assert.True(scores.select(1, h).allclose(s, atol: 1e-5), $"head {h} scores");
            heads.Add(torch.matmul(s.softmax(-1), vh));
        }
        var expected = Project(attention, "output", torch.cat(heads, 2));
        Assert.True(output.allclose(expected, atol: 1e-5));
    }

    [Fact]
    public void PreviousScoresAreAddedBeforeTheSoftmax()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(2);
        using var attention = new ResidualMultiHeadAttention(ModelDimension, NumberOfHeads, attentionDropout: 0, projectionDropout: 0);
        var x = ModelTestData.RandomInput(2, Tokens, ModelDimension, seed: 42);
        var (_, ownScores) = attention.Forward(x, null, ForwardContext.Inference);

        // A huge previous score on token 3 makes every query attend to token 3 only.
        var previous = torch.zeros(2, NumberOfHeads, Tokens, Tokens);
        previous.select(3, 3).fill_(1e4f);
        var (output, scores) = attention.Forward(x, previous, ForwardContext.Inference);
        Assert.True(scores.allclose(ownScores + previous, atol: 1e-2));
        var token3 = Project(attention, "output", Project(attention, "value", x.narrow(1, 3, 1)));   // (2, 1, d)
        Assert.True(output.allclose(token3.expand(2, Tokens, ModelDimension), atol: 1e-4));
    }
}
