using System.Reflection;
using Microsoft.ML;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.MLNetInternals;

/// <summary>
/// Fails loudly when an ML.NET upgrade removes or changes an internal member that
/// src/Microsoft.ML.SynapticPruning/MLNet/Internals relies on. Looks members up by NAME with reflection on the real
/// (not publicized) assemblies, so it reports the exact member instead of a TypeLoadException at load time.
/// </summary>
public sealed class MlNetInternalsTripwireTests
{
    private const string Advice = "ML.NET internals changed: update MLNet/Internals";
    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;

    private static readonly Assembly Core = typeof(ModelSaveContext).Assembly;
    private static readonly Assembly Data = typeof(MLContext).Assembly;

    private static Type RequireType(Assembly assembly, string fullName)
        => assembly.GetType(fullName) ?? throw new Xunit.Sdk.XunitException($"{Advice}: type '{fullName}' is missing from {assembly.GetName().Name}.");

    private static void RequireMethod(Type type, string name, params Type[] parameters)
    {
        if (type.GetMethod(name, All, binder: null, parameters, modifiers: null) is null)
            throw new Xunit.Sdk.XunitException(
                $"{Advice}: {type.FullName}.{name}({string.Join(", ", parameters.Select(p => p.Name))}) is missing.");
    }

    private static void RequireField(Type type, string name, Type fieldType)
    {
        var field = type.GetField(name, All);
        if (field is null || field.FieldType != fieldType)
            throw new Xunit.Sdk.XunitException($"{Advice}: field {type.FullName}.{name} of type {fieldType.Name} is missing or changed.");
    }

    [Fact]
    public void ModelSaveContextMembersExist()
    {
        var save = RequireType(Core, "Microsoft.ML.ModelSaveContext");
        var versionInfo = RequireType(Core, "Microsoft.ML.VersionInfo");
        RequireField(save, "Writer", typeof(BinaryWriter));
        RequireMethod(save, "CheckAtModel");
        RequireMethod(save, "SetVersionInfo", versionInfo);
        RequireMethod(save, "SaveBinaryStream", typeof(string), typeof(Action<BinaryWriter>));
        RequireMethod(save, "SaveString", typeof(string));
    }

    [Fact]
    public void ModelLoadContextMembersExist()
    {
        var load = RequireType(Core, "Microsoft.ML.ModelLoadContext");
        var versionInfo = RequireType(Core, "Microsoft.ML.VersionInfo");
        var header = RequireType(Core, "Microsoft.ML.ModelHeader");
        RequireField(load, "Reader", typeof(BinaryReader));
        RequireField(load, "Header", header);
        RequireField(header, "ModelSignature", typeof(ulong));
        RequireField(header, "ModelVerWritten", typeof(uint));
        RequireField(header, "ModelVerReadable", typeof(uint));
        RequireMethod(load, "CheckAtModel", versionInfo);
        RequireMethod(load, "TryLoadBinaryStream", typeof(string), typeof(Action<BinaryReader>));
        RequireMethod(load, "LoadString");
    }

    [Fact]
    public void VersionInfoConstructorKeepsItsParameterNames()
    {
        // ModelIO.ToVersionInfo passes these by NAME (positional use once put the assembly name into the alternate
        // loader signature). A rename breaks the library's compilation; this test says which names are expected.
        var versionInfo = RequireType(Core, "Microsoft.ML.VersionInfo");
        string[] expected = { "modelSignature", "verWrittenCur", "verReadableCur", "verWeCanReadBack", "loaderSignature", "loaderAssemblyName" };
        bool found = versionInfo.GetConstructors(All).Any(c =>
        {
            var names = c.GetParameters().Select(p => p.Name).ToHashSet();
            return expected.All(names.Contains);
        });
        Assert.True(found, $"{Advice}: VersionInfo has no constructor with parameters {string.Join(", ", expected)}.");
        RequireField(versionInfo, "ModelSignature", typeof(ulong));
    }

    [Fact]
    public void LoaderRegistrationTypesExist()
    {
        var attribute = RequireType(Core, "Microsoft.ML.LoadableClassAttribute");
        RequireType(Core, "Microsoft.ML.SignatureLoadModel");
        bool ctor = attribute.GetConstructor(All, binder: null,
            new[] { typeof(Type), typeof(Type), typeof(Type), typeof(string), typeof(string[]) }, modifiers: null) is not null;
        Assert.True(ctor, $"{Advice}: LoadableClassAttribute(Type, Type, Type, string, params string[]) is missing.");
    }

    [Fact]
    public void RowToRowTransformerBaseShapeIsUnchanged()
    {
        var baseType = RequireType(Data, "Microsoft.ML.Data.RowToRowTransformerBase");
        var rowMapper = RequireType(Data, "Microsoft.ML.Data.IRowMapper");
        RequireMethod(baseType, "SaveModel", typeof(ModelSaveContext));
        RequireMethod(baseType, "MakeRowMapper", typeof(DataViewSchema));
        var mapperBase = baseType.GetNestedType("MapperBase", All)
            ?? throw new Xunit.Sdk.XunitException($"{Advice}: RowToRowTransformerBase.MapperBase is missing.");
        RequireMethod(mapperBase, "GetOutputColumnsCore");
        RequireMethod(mapperBase, "MakeGetter", typeof(DataViewRow), typeof(int), typeof(Func<int, bool>), typeof(Action).MakeByRefType());
        RequireMethod(mapperBase, "GetDependenciesCore", typeof(Func<int, bool>));
        RequireMethod(mapperBase, "SaveModel", typeof(ModelSaveContext));
        RequireField(baseType, "Host", typeof(Microsoft.ML.Runtime.IHost));
        Assert.True(rowMapper.IsInterface, $"{Advice}: IRowMapper is no longer an interface.");
    }

    [Fact]
    public void InternalsAreReachableAtRunTime()
    {
        // Proves IgnoresAccessChecksTo is honoured: this call would throw MethodAccessException otherwise.
        var format = new Microsoft.ML.SynapticPruning.MLNet.Internals.ModelFormat(
            "TRIPWIRE", 3, 2, 1, "SPTripwire", typeof(MlNetInternalsTripwireTests));
        var info = Microsoft.ML.SynapticPruning.MLNet.Internals.ModelIO.ToVersionInfo(format);
        Assert.Equal(3u, info.VerWrittenCur);
        Assert.Equal(2u, info.VerReadableCur);
        Assert.Equal(1u, info.VerWeCanReadBack);
        Assert.Equal("SPTripwire", info.LoaderSignature);
        Assert.Null(info.LoaderSignatureAlt);
        Assert.Equal(typeof(MlNetInternalsTripwireTests).Assembly.FullName, info.LoaderAssemblyName);
    }
}
