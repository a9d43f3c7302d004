namespace Microsoft.ML.SynapticPruning.Tests.Layering.Fixtures.Low;

// The lower layer of the checker's fixture (LayerCheckerTests): types the upper layer uses in every way C# can.
// Several kinds in one file on purpose: they are one fixture, read only through the compiled assembly.
#pragma warning disable CA1040, CA1711, CA1018

/// <summary>A lower-layer class (not sealed: a fixture type derives from it).</summary>
public class LowThing
{
    /// <summary>A static field the upper layer reads.</summary>
    public static int Count;
}

/// <summary>A lower-layer struct.</summary>
public readonly struct LowValue;

/// <summary>A lower-layer interface.</summary>
public interface ILowShape;

/// <summary>A lower-layer attribute.</summary>
[AttributeUsage(AttributeTargets.All)]
public sealed class LowAttribute : Attribute;

/// <summary>A lower-layer exception.</summary>
public sealed class LowException : Exception;
