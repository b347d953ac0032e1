using RdLicensing.Core.Protocol;
using RdLicensing.LicenseServer.Console.Models;
using static RdLicensing.LicenseServer.Tests.ConsoleWizardTestData;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>The Reports page's logic (issue 15): order, Create's and Delete's checks, the confirmation asked before a deletion.</summary>
public sealed class ReportsModelTests
{
    private static readonly ReportView Old = new("r-old", "cal-usage", Now.AddDays(-2), "all", "Per Device installed: 10, issued: 4; Per User installed: 20, issued: 20, OverUsed: 10");
    private static readonly ReportView New = Old with { Id = "r new", CreatedAt = Now };

    [Fact]
    public void Reports_are_listed_newest_first_with_their_summary_one_part_a_line()
    {
        Assert.Equal(["r new", "r-old"], ReportsModel.Ordered([Old, New]).Select(r => r.Id));
        Assert.Equal(["Per Device installed: 10, issued: 4", "Per User installed: 20, issued: 20, OverUsed: 10"], ReportsModel.SummaryLines(Old.Summary));
        Assert.Equal("CAL Usage", ReportsModel.TypeName("cal-usage"));
    }

    [Fact]
    public void Create_accepts_only_cal_usage()
    {
        Assert.Equal("The only report is CAL Usage.", ReportsModel.CheckCreate(new CreateReportForm { Type = "per-user-audit" }));
        Assert.Null(ReportsModel.CheckCreate(new CreateReportForm { Type = "cal-usage" }));
        Assert.Null(ReportsModel.CheckCreate(new CreateReportForm()));
    }

    [Fact]
    public void A_delete_link_asks_for_confirmation_of_a_listed_report_only()
    {
        Assert.Equal((Old, null), ReportsModel.ToConfirm([Old, New], "r-old", posting: false));
        var (none, error) = ReportsModel.ToConfirm([New], "r-old", posting: false);
        Assert.Null(none);
        Assert.Equal("There is no report r-old to delete: it may have been deleted already.", error);
        Assert.Equal((null, null), ReportsModel.ToConfirm([Old], null, posting: false));
        Assert.Equal((null, null), ReportsModel.ToConfirm([Old], "r-old", posting: true)); // the confirmation itself is being posted
    }

    [Fact]
    public void Delete_needs_a_report_named()
    {
        Assert.Equal((null, "Choose the report to delete in the list."), ReportsModel.CheckDelete(null));
        Assert.Equal((null, "Choose the report to delete in the list."), ReportsModel.CheckDelete(new DeleteReportForm { Id = "" }));
        Assert.Equal(("r-old", null), ReportsModel.CheckDelete(new DeleteReportForm { Id = "r-old" }));
    }

    [Fact]
    public void Each_action_leads_to_a_plain_get_with_the_id_escaped()
    {
        Assert.Equal("/console/reports?created=r%20new", ReportsModel.CreatedUrl("r new"));
        Assert.Equal("/console/reports?deleted=r%20new", ReportsModel.DeletedUrl("r new"));
        Assert.Equal("/console/reports?delete=r%20new#delete", ReportsModel.DeleteUrl("r new"));
        Assert.Equal("/console/reports/r%2Fx/csv", ReportsModel.CsvUrl("r/x"));
        Assert.Same(New, ReportsModel.Created([Old, New], "r new"));
        Assert.Null(ReportsModel.Created([Old], "r new"));
    }
}
