using SynapticPruning.Study.Data;
using Xunit;

namespace SynapticPruning.Study.Tests.Data;

/// <summary>The CSV rows of the bad-input matrix (docs/reliability.md): a malformed row fails with the line and column.</summary>
public sealed class CsvBadInputTests
{
    [Fact]
    public void CsvWithAMalformedRowNamesTheLineAndColumn()
    {
        using var csv = new TempCsv("date,value\n2024-01-01,1.5\n2024-01-02,2.5\n2024-01-03,abc\n2024-01-04,3.0\n");
        var e = Assert.Throws<TimeSeriesDataException>(() => TimeSeriesCsvReader.Read(csv.Path));
        Assert.Equal(4, e.LineNumber);
        Assert.Contains("line 4", e.Message);
        Assert.Contains("value", e.Message);
    }

    [Fact]
    public void CsvWithTooManyFieldsOnARowNamesTheLine()
    {
        using var csv = new TempCsv("date,value\n2024-01-01,1.5\n2024-01-02,2.5,7,8\n2024-01-03,3.0\n");
        var e = Assert.Throws<TimeSeriesDataException>(() => TimeSeriesCsvReader.Read(csv.Path));
        Assert.Equal(3, e.LineNumber);
        Assert.Contains("line 3", e.Message);
    }
}
