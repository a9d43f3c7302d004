using Microsoft.ML.SynapticPruning.Data;
using Xunit;
using Xunit.Abstractions;
using SynapticPruning.Study.Data;

namespace SynapticPruning.Study.Tests.Data;

public class BundledDatasetsTests
{
    private readonly ITestOutputHelper _output;

    public BundledDatasetsTests(ITestOutputHelper output) => _output = output;

    private static string Root => BundledDatasets.FindDataRoot();

    // Expected rows counted independently of the reader:
    //   awk 'NR>1 && $0 !~ /^[;[:space:]]*\r?$/' FILE | wc -l
    // giving 365, 1259, 9357, 34949, 17420 (also stated in each data/*/SOURCE.md).
    // Missing targets counted independently:
    //   air-quality: awk -F';' 'NR>1 && $1!="" && ($3=="-200" || $3=="-200,0")' AirQualityUCI.csv | wc -l  → 1592 + 91 = 1683
    //   household:   awk -F, 'NR>1{if($2+0==0){n++} else {if(n>=2){r++;h+=n} else if(n==1){s++; print "single line", NR-1} n=0}}
    //                     END{if(n>=2){r++;h+=n}; print r, h, s}' household_power_hourly.csv
    //                → runs ≥ 2 h: 19 runs, 782 h; one single zero hour, on line 5065 (2007-07-15 17:00:00).
    [Theory]
    [InlineData("bitcoin", 365, "close", 0)]
    [InlineData("aapl", 1259, "close", 0)]
    [InlineData("air-quality", 9357, "CO(GT)", 1683)]
    [InlineData("household-power", 34949, "Global_active_power", 782)]
    [InlineData("etth1", 17420, "OT", 0)]
    public void EveryBundledDatasetLoads(string name, int rows, string target, int missingTarget)
    {
        var d = BundledDatasets.Get(name);
        var t = BundledDatasets.Load(name, Root);
        _output.WriteLine($"{name}: rows {t.RowCount}, missing {target} {t.MissingCount(target)}, columns {string.Join(",", t.ColumnNames)}");
        Assert.Equal(rows, t.RowCount);
        Assert.Equal(target, d.TargetColumn);
        Assert.Equal(missingTarget, t.MissingCount(target));
        Assert.Equal(d.ExpectedMissingTargetCount, missingTarget);
        Assert.NotNull(t.Timestamps);
        Assert.Equal(rows, t.Timestamps!.Length);
        foreach (var c in d.RecommendedCovariates)
            Assert.True(t.HasColumn(c), $"{name}: covariate {c} missing");
        Assert.DoesNotContain(target, d.RecommendedCovariates);
    }

    [Fact]
    public void SeasonalPeriodsAndNames()
    {
        Assert.Equal(new[] { "bitcoin", "aapl", "air-quality", "household-power", "etth1" }, BundledDatasets.All.Select(d => d.Name));
        Assert.Equal(7, BundledDatasets.Bitcoin.SeasonalPeriod);
        Assert.Equal(5, BundledDatasets.Aapl.SeasonalPeriod);
        Assert.Equal(24, BundledDatasets.AirQuality.SeasonalPeriod);
        Assert.Equal(24, BundledDatasets.HouseholdPower.SeasonalPeriod);
        Assert.Equal(24, BundledDatasets.Etth1.SeasonalPeriod);
        var ex = Assert.Throws<ArgumentException>(() => BundledDatasets.Get("nope"));
        Assert.Contains("household-power", ex.Message);
    }

    [Fact]
    public void AirQualityTraps()
    {
        var t = BundledDatasets.Load("air-quality", Root);
        Assert.False(t.HasColumn("NMHC(GT)"));
        Assert.Equal(13 - 1, t.ColumnNames.Count); // 13 measured columns minus NMHC(GT)
        Assert.Equal("Date+Time", t.TimeColumnName);
        var ts = t.Timestamps!;
        Assert.Equal(new DateTime(2004, 3, 10, 18, 0, 0), ts[0]);
        Assert.Equal(new DateTime(2005, 4, 4, 14, 0, 0), ts[^1]);
        Assert.Equal(2.6, t.Column("CO(GT)")[0]);        // "2,6" on line 2
        Assert.Equal(0.7578, t.Column("AH")[0]);         // "0,7578" on line 2
        // awk -F';' 'NR>1 && $1!="" && $6 ~ /^-200/' → 366 (C6H6(GT) is written "-200,0")
        Assert.Equal(366, t.MissingCount("C6H6(GT)"));
        Assert.Equal(9358, t.LineNumber(t.RowCount - 1));
        Assert.DoesNotContain(t.Column("T"), v => v == -200);
    }

    [Fact]
    public void HouseholdZeroRunsBecomeMissingButSingleZeroHourStays()
    {
        var t = BundledDatasets.Load("household-power", Root);
        var ts = t.Timestamps!;
        var gap = t.Column("Global_active_power");
        int single = Array.IndexOf(ts, new DateTime(2007, 7, 15, 17, 0, 0));
        Assert.Equal(5065, t.LineNumber(single));
        Assert.Equal(0.0, gap[single]);
        Assert.Equal(0.0, t.Column("Voltage")[single]);
        // Every column is 0 in the unrecorded hours, so every column gets the same 782 missing values.
        foreach (var c in t.ColumnNames)
            Assert.Equal(782, t.MissingCount(c));
        // Sub_metering_1 is genuinely 0 in most hours: those zeros stay.
        Assert.Contains(t.Column("Sub_metering_1"), v => v == 0);
        // No two adjacent exact zeros remain in the target.
        for (int i = 1; i < gap.Length; i++)
            Assert.False(gap[i] == 0 && gap[i - 1] == 0, $"zero run left at line {t.LineNumber(i)}");
    }

    [Fact]
    public void MarkZeroRunsMissingOnSmallTable()
    {
        var table = new TimeSeriesTable(new[] { "p", "s" },
            new[] { new[] { 1.0, 0, 2, 0, 0, 0, 3 }, new[] { 0.0, 0, 5, 0, 7, 0, 0 } });
        var t = BundledDatasets.MarkZeroRunsMissing(table, "p", 2);
        Assert.Equal(new[] { 1.0, 0, 2, double.NaN, double.NaN, double.NaN, 3 }, t.Column("p"));
        Assert.Equal(new[] { 0.0, 0, 5, double.NaN, 7, double.NaN, 0 }, t.Column("s"));
        Assert.Equal(0.0, table.Column("p")[3]); // input unchanged
    }

    [Fact]
    public void BitcoinKeepsLastRowWithOpenAboveHigh()
    {
        var t = BundledDatasets.Load("bitcoin", Root);
        Assert.Equal(98296.0, t.Column("open")[^1]);
        Assert.Equal(94320.0, t.Column("high")[^1]);
        Assert.Equal(93456.0, t.Column("close")[^1]);
        Assert.Equal(new DateTime(2025, 4, 23, 0, 0, 0, DateTimeKind.Utc), t.Timestamps![^1]);
        Assert.Contains("marketCap", t.ColumnNames);
    }

    [Fact]
    public void AaplDropsNameAndKeepsTradingDayGaps()
    {
        var t = BundledDatasets.Load("aapl", Root);
        Assert.Equal(new[] { "open", "high", "low", "close", "volume" }, t.ColumnNames);
        Assert.Equal(67.8542, t.Column("close")[0]);
        var ts = t.Timestamps!;
        Assert.Contains(Enumerable.Range(1, ts.Length - 1), i => (ts[i] - ts[i - 1]).TotalDays == 3);
        Assert.False(BundledDatasets.Aapl.EvenlySpaced);
    }

    [Fact]
    public void EtthHasSevenChannelsAndNoGaps()
    {
        var t = BundledDatasets.Load("etth1", Root);
        Assert.Equal(new[] { "HUFL", "HULL", "MUFL", "MULL", "LUFL", "LULL", "OT" }, t.ColumnNames);
        Assert.Equal(30.5310001373291, t.Column("OT")[0]);
        var p = TimeSeriesPreparation.Prepare(t, "OT", BundledDatasets.Etth1.RecommendedCovariates);
        Assert.Equal(new[] { new SeriesSegment(0, 17420) }, p.Segments);
    }

    [Theory]
    [InlineData("bitcoin", 0)]
    [InlineData("aapl", 0)]
    [InlineData("air-quality", 1683)]
    [InlineData("household-power", 782)]
    [InlineData("etth1", 0)]
    public void StudyPreparationNeverLeavesNaNInsideSegments(string name, int missingTarget)
    {
        var d = BundledDatasets.Get(name);
        var t = BundledDatasets.Load(d, Root);
        var p = TimeSeriesPreparation.Prepare(t, d.TargetColumn, d.RecommendedCovariates, TimeSeriesPreparationOptions.Study());
        var y = p.Target;
        var covs = d.RecommendedCovariates.Select(p.Covariate).ToArray();
        foreach (var s in p.Segments)
            for (int r = s.StartRow; r < s.EndRow; r++)
            {
                Assert.False(double.IsNaN(y[r]));
                Assert.All(covs, c => Assert.False(double.IsNaN(c[r])));
            }
        int inSegments = p.Segments.Sum(s => s.Length);
        int stillMissing = y.Count(double.IsNaN);
        Assert.True(inSegments + stillMissing <= t.RowCount);
        Assert.Equal(missingTarget, p.ImputedTargetCount + stillMissing);
        _output.WriteLine($"{name}: {p.Segments.Count} segments, longest {p.LongestSegment}, rows in segments {inSegments}, "
            + $"imputed targets {p.ImputedTargetCount}, unfilled targets {stillMissing}");
    }

    [Fact]
    public void FindDataRootWalksUpAndFailsClearly()
    {
        Assert.True(File.Exists(Path.Combine(Root, "bitcoin", "bitcoin.csv")));
        var tmp = Directory.CreateTempSubdirectory("sp-root-");
        try
        {
            Directory.CreateDirectory(Path.Combine(tmp.FullName, "data", "bitcoin"));
            File.WriteAllText(Path.Combine(tmp.FullName, "data", "bitcoin", "bitcoin.csv"), "x\n");
            var deep = Directory.CreateDirectory(Path.Combine(tmp.FullName, "a", "b"));
            // The executable's own data folder wins when present (tests copy data/** to the output).
            var expected = File.Exists(Path.Combine(AppContext.BaseDirectory, "data", "bitcoin", "bitcoin.csv"))
                ? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "data"))
                : Path.Combine(tmp.FullName, "data");
            Assert.Equal(expected, BundledDatasets.FindDataRoot(deep.FullName));

            var ex = Assert.Throws<FileNotFoundException>(() => BundledDatasets.Load("aapl", tmp.FullName + "/data"));
            Assert.Contains("AAPL_data.csv", ex.Message);
        }
        finally
        {
            tmp.Delete(recursive: true);
        }
    }
}
