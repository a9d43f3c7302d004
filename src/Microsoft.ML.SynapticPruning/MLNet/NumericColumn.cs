using Microsoft.ML.Data;

namespace Microsoft.ML.SynapticPruning;

/// <summary>Reads a numeric scalar column of any supported ML.NET type as float, with the checks shared by estimators and views.</summary>
internal static class NumericColumn
{
    /// <summary>Types accepted for label and covariate columns.</summary>
    public static bool IsSupported(DataViewType type) =>
        type == NumberDataViewType.Single || type == NumberDataViewType.Double ||
        type == NumberDataViewType.Int32 || type == NumberDataViewType.Int64 ||
        type == NumberDataViewType.Int16 || type == NumberDataViewType.UInt32;

    /// <summary>Throws the standard schema errors (missing column, wrong type) naming the column and the fix.</summary>
    public static DataViewSchema.Column Require(DataViewSchema schema, string columnName, string role)
    {
        if (string.IsNullOrWhiteSpace(columnName))
            throw new ArgumentException($"The {role} column name is empty: set it to the name of a numeric column of the input.", role);
        var column = schema.GetColumnOrNull(columnName);
        if (column is null)
        {
            var available = string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => $"'{c.Name}'"));
            throw new ArgumentOutOfRangeException(role, $"{role} column '{columnName}' was not found in the input. Available columns: {available}.");
        }
        if (!IsSupported(column.Value.Type))
            throw new InvalidOperationException(
                $"{role} column '{columnName}' has type {column.Value.Type} but a numeric scalar (Single or Double; Int16/Int32/Int64/UInt32 are converted) is expected. " +
                "Convert it first, e.g. with mlContext.Transforms.Conversion.ConvertType.");
        return column.Value;
    }

    /// <summary>Creates a getter returning the current row's value as float.</summary>
    public static Func<float> CreateGetter(DataViewRow row, DataViewSchema.Column column)
    {
        var type = column.Type;
        if (type == NumberDataViewType.Single) { var g = row.GetGetter<float>(column); float v = 0; return () => { g(ref v); return v; }; }
        if (type == NumberDataViewType.Double) { var g = row.GetGetter<double>(column); double v = 0; return () => { g(ref v); return (float)v; }; }
        if (type == NumberDataViewType.Int32) { var g = row.GetGetter<int>(column); int v = 0; return () => { g(ref v); return v; }; }
        if (type == NumberDataViewType.Int64) { var g = row.GetGetter<long>(column); long v = 0; return () => { g(ref v); return v; }; }
        if (type == NumberDataViewType.Int16) { var g = row.GetGetter<short>(column); short v = 0; return () => { g(ref v); return v; }; }
        if (type == NumberDataViewType.UInt32) { var g = row.GetGetter<uint>(column); uint v = 0; return () => { g(ref v); return v; }; }
        throw new InvalidOperationException($"Column '{column.Name}' has unsupported type {type}.");
    }

    /// <summary>
    /// Creates a getter for a time column (DateTime, DateTimeOffset or numeric) returning an exactly comparable key:
    /// DateTime ticks, DateTimeOffset UTC ticks, integers as they are, and Single/Double mapped to a 64-bit integer that
    /// sorts like the number itself (−0 and +0 give the same key). Nothing is rounded, so Unix seconds one minute apart
    /// (or one tick apart) never compare equal. A NaN time throws, naming the column.
    /// </summary>
    public static Func<long> CreateTimeKeyGetter(DataViewRow row, DataViewSchema.Column column)
    {
        var type = column.Type;
        string name = column.Name;
        if (type is DateTimeDataViewType) { var g = row.GetGetter<DateTime>(column); DateTime v = default; return () => { g(ref v); return v.Ticks; }; }
        if (type is DateTimeOffsetDataViewType) { var g = row.GetGetter<DateTimeOffset>(column); DateTimeOffset v = default; return () => { g(ref v); return v.UtcTicks; }; }
        if (type == NumberDataViewType.Single) { var g = row.GetGetter<float>(column); float v = 0; return () => { g(ref v); return FloatingKey(v, name); }; }
        if (type == NumberDataViewType.Double) { var g = row.GetGetter<double>(column); double v = 0; return () => { g(ref v); return FloatingKey(v, name); }; }
        if (type == NumberDataViewType.Int32) { var g = row.GetGetter<int>(column); int v = 0; return () => { g(ref v); return v; }; }
        if (type == NumberDataViewType.Int64) { var g = row.GetGetter<long>(column); long v = 0; return () => { g(ref v); return v; }; }
        if (type == NumberDataViewType.Int16) { var g = row.GetGetter<short>(column); short v = 0; return () => { g(ref v); return v; }; }
        if (type == NumberDataViewType.UInt32) { var g = row.GetGetter<uint>(column); uint v = 0; return () => { g(ref v); return v; }; }
        throw new InvalidOperationException(
            $"Time column '{name}' has type {type}; a DateTime, DateTimeOffset or numeric column is expected. Parse it first or leave TimeColumnName unset.");
    }

    /// <summary>An order-preserving 64-bit key of a finite or infinite double (IEEE-754 bits, negatives flipped).</summary>
    internal static long FloatingKey(double value, string column)
    {
        if (double.IsNaN(value))
            throw new InvalidOperationException($"Time column '{column}' holds NaN: every row needs a time. Remove the row or fill its time.");
        if (value == 0) value = 0.0; // −0 and +0 are the same time
        long bits = BitConverter.DoubleToInt64Bits(value);
        return bits >= 0 ? bits : bits ^ long.MaxValue;
    }
}
