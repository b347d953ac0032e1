using System.Net;
using System.Net.Http.Headers;
using System.Text;
using RdLicensing.ServiceDefaults;

namespace RdLicensing.LicenseServer.Tests.ServiceDefaults;

/// <summary>
/// The one reader of failed answers (rdlic, the console, the license server's remote calls, the session host's calls):
/// a ProblemDetails becomes its members, anything else a sentence saying what came back — never an exception.
/// </summary>
public sealed class ProblemReaderTests
{
    private static async Task<RemoteProblem> ReadAsync(HttpStatusCode status, string? mediaType, byte[] body)
    {
        using var response = new HttpResponseMessage(status) { Content = new ByteArrayContent(body) };
        if (mediaType is not null) response.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(mediaType);
        return await ProblemReader.ReadAsync(response, CancellationToken.None);
    }

    private static Task<RemoteProblem> ReadAsync(HttpStatusCode status, string? mediaType, string body) =>
        ReadAsync(status, mediaType, Encoding.UTF8.GetBytes(body));

    [Fact]
    public async Task A_problem_json_answer_gives_type_slug_title_detail_status_and_extensions()
    {
        var problem = await ReadAsync(HttpStatusCode.UnprocessableEntity, "application/problem+json",
            """{"type":"https://rdlicensing.dev/problems/invalid-code","title":"Invalid code","status":422,"detail":"Group 3 of the code is mistyped.","field":"code","group":3,"keyPackIds":["0b7d7a4e-7a43-4c47-9d51-0d27a8d1a1a5"],"instance":"/api/x"}""");

        Assert.Null(problem.Unreadable);
        Assert.Equal(422, problem.Status);
        Assert.Equal("https://rdlicensing.dev/problems/invalid-code", problem.Type);
        Assert.Equal("invalid-code", problem.Slug);
        Assert.Equal("Invalid code", problem.Title);
        Assert.Equal("Group 3 of the code is mistyped.", problem.Detail);
        Assert.Equal("Group 3 of the code is mistyped.", problem.Summary);
        Assert.Equal("code", problem.Text("field"));
        Assert.Equal(3, problem.Integer("group"));
        Assert.Null(problem.Integer("field"));
        Assert.Null(problem.Text("group"));
        Assert.True(problem.Extensions.ContainsKey("keyPackIds"));
        Assert.False(problem.Extensions.ContainsKey("instance"));
        Assert.False(problem.Extensions.ContainsKey("status"));
    }

    [Fact]
    public async Task A_problem_without_detail_is_explained_by_its_title()
    {
        var problem = await ReadAsync(HttpStatusCode.NotFound, "application/problem+json", """{"type":"https://rdlicensing.dev/problems/not-found","title":"Not Found","status":404}""");

        Assert.Null(problem.Detail);
        Assert.Equal("Not Found", problem.DetailOrTitle);
        Assert.Equal("not-found", problem.Slug);
    }

    [Fact]
    public async Task A_plain_json_error_is_read_and_its_members_kept()
    {
        var problem = await ReadAsync(HttpStatusCode.BadRequest, "application/json; charset=utf-8", """{"title":"Bad","detail":"the name is empty","extra":true}""");
        Assert.Equal("the name is empty", problem.Detail);
        Assert.Null(problem.Type);
        Assert.Null(problem.Slug);

        var other = await ReadAsync(HttpStatusCode.BadRequest, "application/json", """{"error":"boom"}""");
        Assert.Null(other.DetailOrTitle);
        Assert.Equal("the answer is JSON without a type, title or detail", other.Unreadable);
        Assert.Equal("boom", other.Text("error"));
    }

    [Fact]
    public async Task An_html_error_page_is_named_and_not_parsed()
    {
        var problem = await ReadAsync(HttpStatusCode.BadGateway, "text/html", "<html><body><h1>502 Bad Gateway</h1>{\"detail\":\"not me\"}</body></html>");

        Assert.Null(problem.DetailOrTitle);
        Assert.Equal(502, problem.Status);
        Assert.Equal("the answer is an HTML page, not an RdLicensing error; is the address right?", problem.Unreadable);
        Assert.Equal(problem.Unreadable, problem.Summary);
    }

    [Fact]
    public async Task An_empty_body_says_so()
    {
        var problem = await ReadAsync(HttpStatusCode.ServiceUnavailable, null, []);
        Assert.Null(problem.DetailOrTitle);
        Assert.Equal("the answer has no body", problem.Unreadable);
    }

    [Fact]
    public async Task A_huge_body_is_read_only_up_to_the_cap_and_not_parsed()
    {
        // A valid problem padded beyond the cap: the reader stops reading and does not believe a body it has not seen whole.
        var padding = new string(' ', ProblemReader.MaxBodyBytes);
        var body = new CountingStream(Encoding.UTF8.GetBytes("""{"type":"https://rdlicensing.dev/problems/x","detail":"hidden",""" + padding + "\"pad\":1}"));
        using var response = new HttpResponseMessage(HttpStatusCode.InternalServerError) { Content = new StreamContent(body) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/problem+json");

        var problem = await ProblemReader.ReadAsync(response, CancellationToken.None);

        Assert.Null(problem.Detail);
        Assert.Equal("the answer is larger than 64 KiB (application/problem+json), too large for an error explanation; it was not read", problem.Unreadable);
        Assert.True(body.Consumed <= ProblemReader.MaxBodyBytes + 1 + 4096, $"read {body.Consumed} bytes");

        // Positive control: the same problem within the cap is read.
        var small = await ReadAsync(HttpStatusCode.InternalServerError, "application/problem+json",
            """{"type":"https://rdlicensing.dev/problems/x","detail":"shown",""" + new string(' ', 1000) + "\"pad\":1}");
        Assert.Equal("shown", small.Detail);
    }

    [Fact]
    public async Task A_wrong_content_type_is_not_taken_for_a_problem()
    {
        var plain = await ReadAsync(HttpStatusCode.Forbidden, "text/plain", """{"type":"https://rdlicensing.dev/problems/forbidden","detail":"spoofed"}""");
        Assert.Null(plain.Type);
        Assert.Null(plain.Detail);
        Assert.Equal("the answer is text/plain, not a ProblemDetails", plain.Unreadable);

        var notJson = await ReadAsync(HttpStatusCode.InternalServerError, "application/problem+json", "Internal Server Error");
        Assert.Equal("the answer is not JSON (application/problem+json)", notJson.Unreadable);

        var array = await ReadAsync(HttpStatusCode.InternalServerError, "application/json", "[1,2]");
        Assert.Equal("the answer is JSON but not a ProblemDetails object", array.Unreadable);

        var notUtf8 = await ReadAsync(HttpStatusCode.InternalServerError, "application/problem+json", [(byte)'{', (byte)'"', 0xff, 0xfe, (byte)'"', (byte)':', (byte)'1', (byte)'}']);
        Assert.NotNull(notUtf8.Unreadable);
    }

    /// <summary>Counts what is read from it. A derived MemoryStream funnels every read (span, async) through this overload.</summary>
    private sealed class CountingStream(byte[] content) : MemoryStream(content)
    {
        public long Consumed { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = base.Read(buffer, offset, count);
            Consumed += n;
            return n;
        }
    }
}
