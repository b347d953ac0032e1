using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using RdLicensing.Core.Protocol;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>
/// Issue 11 (the multi-node 500): on a node of several, another node's activation reaches this one through SharedStateRefresher,
/// on its own thread, at any moment. Status read the activation three times (certificate, status, "activated") and once saw
/// "activated" after having read no certificate: a NullReferenceException, answered 500 while the second node of
/// MultiNodeRulesTests waited for the activation. Every answer must be made from one snapshot of the activation.
/// </summary>
public sealed class ActivationChangeRaceTests
{
    [Fact]
    public async Task Status_review_and_activation_answer_consistently_while_another_node_activates_this_one()
    {
        await using var server = await TestLicenseServer.StartAsync();
        await server.ActivateAsync();
        var state = server.Services.GetRequiredService<ServerState>();
        var certificate = state.Activation!;

        // What SharedStateRefresher does when another node activates (and, to hit every moment, what an unactivated start is):
        // the activation appears between any two reads of a request.
        using var stop = new CancellationTokenSource();
        var flipping = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                state.SetActivation(null);
                await Task.Yield();
                state.SetActivation(certificate);
                await Task.Yield();
            }
        });
        var answers = new List<(HttpStatusCode Code, string Status, string? LicenseServerId)>();
        try
        {
            var pollers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                var seen = new List<(HttpStatusCode, string, string?)>();
                for (var i = 0; i < 50; i++)
                {
                    var status = await server.Admin.GetAsync("/api/admin/status");
                    var activation = status.IsSuccessStatusCode ? (await status.Content.ReadFromJsonAsync<StatusView>())!.Activation : null;
                    seen.Add((status.StatusCode, activation?.Status ?? "", activation?.LicenseServerId));
                    var review = await server.Admin.GetAsync("/api/admin/review");
                    var reviewed = review.IsSuccessStatusCode ? (await review.Content.ReadFromJsonAsync<ConfigurationReviewView>())!.Activation : null;
                    seen.Add((review.StatusCode, reviewed?.Status ?? "", reviewed?.LicenseServerId));
                }
                return seen;
            })).ToList();
            foreach (var seen in await Task.WhenAll(pollers)) answers.AddRange(seen);
        }
        finally
        {
            await stop.CancelAsync();
            await flipping;
        }

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Code));
        // Each answer is one moment: activated with its License Server ID, or not activated without one.
        Assert.All(answers, a => Assert.Equal(a.Status == "activated", a.LicenseServerId is not null));
        Assert.Contains(answers, a => a.Status == "not-activated");
        // Positive control: once the activation holds, every answer says so.
        var settled = (await server.Admin.GetFromJsonAsync<StatusView>("/api/admin/status"))!;
        Assert.Equal(("activated", certificate.LicenseServerId), (settled.Activation.Status, settled.Activation.LicenseServerId));
    }
}
