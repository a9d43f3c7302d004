using Microsoft.ML.SynapticPruning.Tests.Layering.Fixtures.Low;

namespace Microsoft.ML.SynapticPruning.Tests.Layering.Fixtures.High;

// The upper layer of the checker's fixture (LayerCheckerTests): every type but Clean uses the lower layer in exactly
// one way, so a checker that misses one way leaves that type out of its report. One file on purpose: one fixture.
#pragma warning disable CA1812, CA1822, IDE0051, IDE0052, CS0169, CS0649

/// <summary>Uses nothing from the lower layer.</summary>
public sealed class Clean
{
    public int Twice(int x) => 2 * x;
}

/// <summary>Only a method body creates a lower-layer object.</summary>
public sealed class UsesInBody
{
    public string Describe() => new LowThing().ToString()!;
}

/// <summary>Only a private field's type.</summary>
public sealed class UsesInField
{
    private LowValue _value;
}

/// <summary>Only a parameter type.</summary>
public sealed class UsesInSignature
{
    public int Take(LowValue value) => 1;
}

/// <summary>Only the base type.</summary>
public sealed class UsesAsBase : LowThing;

/// <summary>Only an implemented interface.</summary>
public sealed class UsesInterface : ILowShape;

/// <summary>Only an attribute.</summary>
[Low]
public sealed class UsesAttribute;

/// <summary>Only inside a lambda (compiled into a nested closure type).</summary>
public sealed class UsesInLambda
{
    public Func<int> Counter() => () => LowThing.Count + 1;
}

/// <summary>Only a catch clause.</summary>
public sealed class UsesInCatch
{
    public bool Run(Action action)
    {
        try { action(); return true; }
        catch (LowException) { return false; }
    }
}

/// <summary>Only a generic argument inside a method body.</summary>
public sealed class UsesAsGenericArgument
{
    public int Empty() => new List<LowValue>().Count;
}

/// <summary>Only <c>typeof</c>.</summary>
public sealed class UsesTypeof
{
    public string Name() => typeof(ILowShape).Name;
}

/// <summary>Only a static field read.</summary>
public sealed class UsesStaticField
{
    public int Read() => LowThing.Count;
}

/// <summary>Only a generic constraint.</summary>
public sealed class UsesGenericConstraint
{
    public T Same<T>(T value) where T : ILowShape => value;
}

/// <summary>Only an iterator's local (compiled into a nested state machine).</summary>
public sealed class UsesInIterator
{
    public IEnumerable<int> Numbers()
    {
        var value = new LowValue();
        yield return value.GetHashCode();
    }
}

/// <summary>An external assembly (TorchSharp) in a method body.</summary>
public sealed class UsesTorchSharp
{
    public string Name() => typeof(TorchSharp.torch.Tensor).Name;
}
