using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SynapticPruning.MLNet.Internals;
using Microsoft.ML.SynapticPruning.Tests.MLNetInternals;

[assembly: LoadableClass(typeof(ScaleColumnTransformer), null, typeof(SignatureLoadModel),
    "Scale column (persistence test)", ScaleColumnTransformer.LoaderSignature)]

namespace Microsoft.ML.SynapticPruning.Tests.MLNetInternals;

/// <summary>
/// Minimal stateful row-to-row transformer used only to prove the persistence mechanism: it adds a vector column
/// <c>output[j] = input × factors[j]</c>; the factors are learned state saved into the ML.NET .zip.
/// </summary>
internal sealed class ScaleColumnTransformer : RowToRowTransformerBase
{
    internal const string LoaderSignature = "SPTestScaleColumn";
    internal const string FactorsStream = "Factors.bin";

    internal static readonly ModelFormat Format = new(
        modelSignature: "SPTSCALE", verWrittenCur: 1, verReadableCur: 1, verWeCanReadBack: 1,
        loaderSignature: LoaderSignature, loaderType: typeof(ScaleColumnTransformer));

    private readonly ModelFormat _writeFormat;
    private readonly float[] _factors;

    internal ScaleColumnTransformer(IHostEnvironment env, string inputColumn, string outputColumn, float[] factors,
        ModelFormat? writeFormat = null)
        : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(ScaleColumnTransformer)))
    {
        ArgumentException.ThrowIfNullOrEmpty(inputColumn);
        ArgumentException.ThrowIfNullOrEmpty(outputColumn);
        ArgumentNullException.ThrowIfNull(factors);
        if (factors.Length == 0)
            throw new ArgumentException("At least one factor is required.", nameof(factors));
        InputColumn = inputColumn;
        OutputColumn = outputColumn;
        _factors = (float[])factors.Clone();
        _writeFormat = writeFormat ?? Format;
    }

    internal string InputColumn { get; }
    internal string OutputColumn { get; }
    internal IReadOnlyList<float> Factors => _factors;

    // Called by ML.NET through the LoadableClass registration above.
    private static ScaleColumnTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        var reader = ModelIO.BeginLoad(ctx, Format);
        string input = reader.ReadString();
        string output = reader.ReadString();
        int count = reader.ReadInt32(1, 1 << 20, "factor count");
        byte[] blob = reader.ReadBlob(FactorsStream, maxLength: 4L * count);
        if (blob.Length != 4 * count)
            throw new InvalidDataException($"'{FactorsStream}' holds {blob.Length} bytes, expected {4 * count}.");
        var factors = new float[count];
        Buffer.BlockCopy(blob, 0, factors, 0, blob.Length);
        return new ScaleColumnTransformer(env, input, output, factors);
    }

    protected override void SaveModel(ModelSaveContext ctx)
    {
        var writer = ModelIO.BeginSave(ctx, _writeFormat);
        writer.WriteString(InputColumn);
        writer.WriteString(OutputColumn);
        writer.WriteInt32(_factors.Length);
        var bytes = new byte[4 * _factors.Length];
        Buffer.BlockCopy(_factors, 0, bytes, 0, bytes.Length);
        writer.WriteBlob(FactorsStream, bytes);
    }

    protected override IRowMapper MakeRowMapper(DataViewSchema schema) => new Mapper(this, schema);

    private sealed class Mapper : MapperBase
    {
        private readonly ScaleColumnTransformer _owner;
        private readonly int _sourceIndex;

        public Mapper(ScaleColumnTransformer parent, DataViewSchema inputSchema)
            : base(parent.Host.Register(nameof(Mapper)), inputSchema, parent)
        {
            _owner = parent;
            var column = inputSchema.GetColumnOrNull(parent.InputColumn)
                ?? throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Input column '{parent.InputColumn}' was not found.");
            if (column.Type != NumberDataViewType.Single)
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Input column '{parent.InputColumn}' must be Single; it is {column.Type}.");
            _sourceIndex = column.Index;
        }

        protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore()
            => new[] { new DataViewSchema.DetachedColumn(_owner.OutputColumn, new VectorDataViewType(NumberDataViewType.Single, _owner._factors.Length)) };

        protected override Delegate MakeGetter(DataViewRow input, int iinfo, Func<int, bool> activeOutput, out Action disposer)
        {
            disposer = null!;
            var source = input.GetGetter<float>(input.Schema[_sourceIndex]);
            float[] factors = _owner._factors;
            float x = 0;
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> dst) =>
            {
                source(ref x);
                var editor = VBufferEditor.Create(ref dst, factors.Length);
                for (int j = 0; j < factors.Length; j++)
                    editor.Values[j] = x * factors[j];
                dst = editor.Commit();
            };
            return getter;
        }

        protected override Func<int, bool> GetDependenciesCore(Func<int, bool> activeOutput)
            => col => col == _sourceIndex && activeOutput(0);

        protected override void SaveModel(ModelSaveContext ctx) => _owner.SaveModel(ctx);
    }
}

/// <summary>Estimator for <see cref="ScaleColumnTransformer"/>: "fits" by taking the factors it was given.</summary>
internal sealed class ScaleColumnEstimator : IEstimator<ScaleColumnTransformer>
{
    private readonly IHostEnvironment _env;
    private readonly string _input;
    private readonly string _output;
    private readonly float[] _factors;
    private readonly ModelFormat? _writeFormat;

    public ScaleColumnEstimator(IHostEnvironment env, string outputColumn, string inputColumn, float[] factors, ModelFormat? writeFormat = null)
    {
        _env = env;
        _input = inputColumn;
        _output = outputColumn;
        _factors = factors;
        _writeFormat = writeFormat;
    }

    public ScaleColumnTransformer Fit(IDataView input)
    {
        var transformer = new ScaleColumnTransformer(_env, _input, _output, _factors, _writeFormat);
        transformer.GetOutputSchema(input.Schema); // validates the input column
        return transformer;
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        if (!inputSchema.TryFindColumn(_input, out var col))
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Input column '{_input}' was not found.");
        var columns = inputSchema.ToDictionary(c => c.Name);
        columns[_output] = new SchemaShape.Column(_output, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false);
        return new SchemaShape(columns.Values);
    }
}
