using Xunit;
using SynapticPruning.Study.Data;

namespace SynapticPruning.Study.Tests.Data;

public class TimeSeriesCsvReaderTests
{
    [Fact]
    public void ReadsSimpleCsvWithIsoDates()
    {
        using var f = new TempCsv("date,a,b\n2020-01-01,1.5,10\n2020-01-02,2.5,20\n2020-01-03,3.5,30\n");
        var t = TimeSeriesCsvReader.Read(f.Path);
        Assert.Equal(3, t.RowCount);
        Assert.Equal(new[] { "a", "b" }, t.ColumnNames);
        Assert.Equal(new[] { 1.5, 2.5, 3.5 }, t.Column("a"));
        Assert.Equal("date", t.TimeColumnName);
        Assert.Equal(new DateTime(2020, 1, 3), t.Timestamps![2]);
        Assert.Equal(new[] { 2, 3, 4 }, t.LineNumbers);
    }

    [Fact]
    public void MalformedRowFieldCountNamesLine5()
    {
        using var f = new TempCsv("date,a,b\n2020-01-01,1,2\n2020-01-02,1,2\n2020-01-03,1,2\n2020-01-04,1\n2020-01-05,1,2\n");
        var ex = Assert.Throws<TimeSeriesDataException>(() => TimeSeriesCsvReader.Read(f.Path));
        Assert.Contains("line 5", ex.Message);
        Assert.Contains(f.Path, ex.Message);
        Assert.Contains("'b'", ex.Message);
        Assert.Contains("expected 3 fields", ex.Message);
        Assert.Equal(5, ex.LineNumber);
        Assert.IsAssignableFrom<FormatException>(ex);
    }

    [Fact]
    public void UnparsableNumberNamesLineColumnAndText()
    {
        using var f = new TempCsv("date,a,b\n2020-01-01,1,2\n2020-01-02,1,2\n2020-01-03,1,2\n2020-01-04,1,x7\n");
        var ex = Assert.Throws<TimeSeriesDataException>(() => TimeSeriesCsvReader.Read(f.Path));
        Assert.Contains("line 5", ex.Message);
        Assert.Contains("column 'b'", ex.Message);
        Assert.Contains("'x7'", ex.Message);
        Assert.Equal("b", ex.ColumnName);
        Assert.Equal("x7", ex.Text);
    }

    [Fact]
    public void CommaDecimalWithoutOptionGivesDecimalHint()
    {
        using var f = new TempCsv("Date;Time;CO\n10/03/2004;18.00.00;2,6\n10/03/2004;19.00.00;2\n");
        var ex = Assert.Throws<TimeSeriesDataException>(() => TimeSeriesCsvReader.Read(f.Path));
        Assert.Contains("line 2", ex.Message);
        Assert.Contains("'2,6'", ex.Message);
        Assert.Contains("--decimal ,", ex.Message);
    }

    [Fact]
    public void CommaDecimalSemicolonCrlfTrailingColumnsAndBlankTrailer()
    {
        // Shaped like UCI Air Quality: ';' separator, ',' decimals, two empty trailing columns, CRLF,
        // trailing lines of separators only, -200 missing code, Date + Time columns.
        const string text =
            "Date;Time;CO(GT);T;;\r\n" +
            "10/03/2004;18.00.00;2,6;13,6;;\r\n" +
            "10/03/2004;19.00.00;-200;-200,0;;\r\n" +
            "10/03/2004;20.00.00;2,2;11,9;;\r\n" +
            ";;;;;\r\n;;;;;\r\n\r\n";
        using var f = new TempCsv(text);
        var t = TimeSeriesCsvReader.Read(f.Path, new TimeSeriesCsvOptions { DecimalSeparator = ',', MissingValueCodes = [-200] });
        Assert.Equal(3, t.RowCount);
        Assert.Equal(new[] { "CO(GT)", "T" }, t.ColumnNames);
        Assert.Equal(2.6, t.Column("CO(GT)")[0]);
        Assert.True(double.IsNaN(t.Column("CO(GT)")[1]));
        Assert.True(double.IsNaN(t.Column("T")[1]));
        Assert.Equal(11.9, t.Column("T")[2]);
        Assert.Equal("Date+Time", t.TimeColumnName);
        Assert.Equal(new DateTime(2004, 3, 10, 19, 0, 0), t.Timestamps![1]);
        Assert.Equal(2, t.MissingCount("CO(GT)") + t.MissingCount("T"));
    }

    [Theory]
    [InlineData('\t')]
    [InlineData(';')]
    [InlineData(',')]
    public void DetectsSeparator(char sep)
    {
        string s = sep.ToString();
        using var f = new TempCsv($"when{s}x{s}y\n2021-05-01 00:00:00{s}1{s}2\n2021-05-01 01:00:00{s}3{s}4\n");
        var t = TimeSeriesCsvReader.Read(f.Path);
        Assert.Equal(new[] { "x", "y" }, t.ColumnNames);
        Assert.Equal(new[] { 2.0, 4.0 }, t.Column("y"));
        Assert.Equal(new DateTime(2021, 5, 1, 1, 0, 0), t.Timestamps![1]);
    }

    [Fact]
    public void DetectsTimeColumnThatIsNotFirstAndDropsTextColumns()
    {
        using var f = new TempCsv("id,symbol,stamp,price\n1,ABC,2022-01-03T09:30:00Z,10\n2,ABC,2022-01-04T09:30:00Z,11\n");
        var t = TimeSeriesCsvReader.Read(f.Path);
        Assert.Equal("stamp", t.TimeColumnName);
        Assert.Equal(new[] { "id", "price" }, t.ColumnNames);
        Assert.Equal(new DateTime(2022, 1, 4, 9, 30, 0, DateTimeKind.Utc), t.Timestamps![1]);
        Assert.Equal(DateTimeKind.Utc, t.Timestamps![1].Kind);
        Assert.Empty(t.TextColumnNames);

        var kept = TimeSeriesCsvReader.Read(f.Path, new TimeSeriesCsvOptions { KeepTextColumns = true });
        Assert.Equal(new[] { "ABC", "ABC" }, kept.TextColumn("symbol"));
    }

    [Fact]
    public void ExplicitTimeColumnAndNoHeader()
    {
        using var f = new TempCsv("5,2020-01-01\n6,2020-01-02\n");
        var t = TimeSeriesCsvReader.Read(f.Path, new TimeSeriesCsvOptions { HasHeader = false, TimeColumn = "Column2" });
        Assert.Equal(new[] { "Column1" }, t.ColumnNames);
        Assert.Equal(new[] { 5.0, 6.0 }, t.Column("Column1"));
        Assert.Equal(new[] { 1, 2 }, t.LineNumbers);
    }

    [Fact]
    public void NoTimeColumnGivesNullTimestamps()
    {
        using var f = new TempCsv("a,b\n1,2\n3,4\n");
        var t = TimeSeriesCsvReader.Read(f.Path);
        Assert.Null(t.Timestamps);
        Assert.Null(t.TimeColumnName);
        Assert.Equal(2, t.RowCount);
    }

    [Fact]
    public void UnsortedTimestampsNameFirstBadLine()
    {
        using var f = new TempCsv("date,a\n2020-01-01,1\n2020-01-02,2\n2020-01-04,3\n2020-01-03,4\n");
        var ex = Assert.Throws<TimeSeriesDataException>(() => TimeSeriesCsvReader.Read(f.Path));
        Assert.Contains("line 5", ex.Message);
        Assert.Contains("AllowUnsorted", ex.Message);

        var t = TimeSeriesCsvReader.Read(f.Path, new TimeSeriesCsvOptions { AllowUnsorted = true });
        Assert.Equal(new DateTime(2020, 1, 3), t.Timestamps![3]);
    }

    [Fact]
    public void DuplicateTimestampNamesLine()
    {
        using var f = new TempCsv("date,a\n2020-01-01,1\n2020-01-02,2\n2020-01-02,3\n");
        var ex = Assert.Throws<TimeSeriesDataException>(() => TimeSeriesCsvReader.Read(f.Path));
        Assert.Contains("line 4", ex.Message);
        Assert.Contains("duplicate", ex.Message);
        Assert.Contains("line 3", ex.Message);

        using var g = new TempCsv("date,a\n2020-01-02,1\n2020-01-01,2\n2020-01-02,3\n");
        var ex2 = Assert.Throws<TimeSeriesDataException>(() => TimeSeriesCsvReader.Read(g.Path, new TimeSeriesCsvOptions { AllowUnsorted = true }));
        Assert.Contains("line 4", ex2.Message);
    }

    [Fact]
    public void QuotedFieldsBomAndMultilineQuoteKeepLineNumbers()
    {
        using var f = new TempCsv("date,note,v\r\n2020-01-01,\"a, b\",1\r\n2020-01-02,\"two\nlines \"\"q\"\"\",2\r\n2020-01-03,c,x\r\n", bom: true);
        var t0 = TimeSeriesCsvReader.Read(f.Path, new TimeSeriesCsvOptions { KeepTextColumns = true, TimeColumn = "date", MissingValueTexts = ["", "x"] });
        Assert.Equal("a, b", t0.TextColumn("note")[0]);
        Assert.Equal("two\nlines \"q\"", t0.TextColumn("note")[1]);
        // The bad value 'x' is on physical line 5 because the quoted field spans two lines.
        var ex = Assert.Throws<TimeSeriesDataException>(() => TimeSeriesCsvReader.Read(f.Path));
        Assert.Contains("line 5", ex.Message);
        Assert.True(double.IsNaN(t0.Column("v")[2]));
        Assert.Equal(new[] { 2, 3, 5 }, t0.LineNumbers);
    }

    [Fact]
    public void MissingFileThrowsFileNotFoundWithPath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"does-not-exist-{Guid.NewGuid():N}.csv");
        var ex = Assert.Throws<FileNotFoundException>(() => TimeSeriesCsvReader.Read(path));
        Assert.Contains(path, ex.Message);
        Assert.Equal(path, ex.FileName);
    }

    [Fact]
    public void UnknownColumnListsAvailableColumns()
    {
        using var f = new TempCsv("date,alpha,beta\n2020-01-01,1,2\n");
        var t = TimeSeriesCsvReader.Read(f.Path);
        var ex = Assert.Throws<ArgumentException>(() => t.Column("Alpha"));
        Assert.Contains("'alpha'", ex.Message);
        Assert.Contains("'beta'", ex.Message);
        Assert.Contains("Did you mean 'alpha'", ex.Message);
    }

    [Fact]
    public void SameSeparatorAndDecimalIsRefused()
    {
        using var f = new TempCsv("a,b\n1,2\n");
        var ex = Assert.Throws<ArgumentException>(() => TimeSeriesCsvReader.Read(f.Path, new TimeSeriesCsvOptions { Separator = ',', DecimalSeparator = ',' }));
        Assert.Equal("Separator", ex.ParamName);
    }

    [Fact]
    public void BlankLinesInsideAreSkippedButLineNumbersStayPhysical()
    {
        using var f = new TempCsv("date,a\n\n2020-01-01,1\n\n2020-01-02,2\n");
        var t = TimeSeriesCsvReader.Read(f.Path);
        Assert.Equal(new[] { 3, 5 }, t.LineNumbers);
        var ex = Assert.Throws<TimeSeriesDataException>(() => TimeSeriesCsvReader.Read(f.Path, new TimeSeriesCsvOptions { SkipBlankLines = false }));
        Assert.Contains("line 2", ex.Message);
    }

    [Fact]
    public void DateAndTimeColumnsAreCombinedUnlessDisabled()
    {
        using var f = new TempCsv("Date;Time;v\n10/03/2004;23.00.00;1\n11/03/2004;00.00.00;2\n11/03/2004;01.00.00;3\n");
        var t = TimeSeriesCsvReader.Read(f.Path);
        Assert.Equal(new DateTime(2004, 3, 11, 1, 0, 0), t.Timestamps![2]);
        Assert.Equal(new[] { "v" }, t.ColumnNames);

        // Without combining, the date-only column repeats: the duplicate on line 4 is reported.
        var ex = Assert.Throws<TimeSeriesDataException>(() => TimeSeriesCsvReader.Read(f.Path, new TimeSeriesCsvOptions { TimeOfDayColumn = "" }));
        Assert.Contains("line 4", ex.Message);
    }

    [Fact]
    public void UnknownTimeColumnListsColumns()
    {
        using var f = new TempCsv("date,a\n2020-01-01,1\n");
        var ex = Assert.Throws<ArgumentException>(() => TimeSeriesCsvReader.Read(f.Path, new TimeSeriesCsvOptions { TimeColumn = "time" }));
        Assert.Contains("'date'", ex.Message);
        Assert.Contains("'a'", ex.Message);
    }

    [Fact]
    public void DotDecimalUnderCommaOptionGivesHint()
    {
        using var f = new TempCsv("date;a\n2020-01-01;1,5\n2020-01-02;2.5\n");
        var ex = Assert.Throws<TimeSeriesDataException>(() => TimeSeriesCsvReader.Read(f.Path, new TimeSeriesCsvOptions { DecimalSeparator = ',' }));
        Assert.Contains("line 3", ex.Message);
        Assert.Contains("--decimal .", ex.Message);
    }

    [Fact]
    public void MissingCodesApplyToEveryNumericColumnOnly()
    {
        using var f = new TempCsv("date,a,b\n2020-01-01,-999,1\n2020-01-02,2,-999\n2020-01-03,-999.5,3\n");
        var t = TimeSeriesCsvReader.Read(f.Path, new TimeSeriesCsvOptions { MissingValueCodes = [-999] });
        Assert.Equal(1, t.MissingCount("a"));
        Assert.Equal(1, t.MissingCount("b"));
        Assert.Equal(-999.5, t.Column("a")[2]);
    }
}
