using System.Net.Sockets;
using System.Text;

namespace RdLicensing.Testing;

/// <summary>
/// HTTP/1.1 spoken by hand over a socket, to send what HttpClient will not: a request whose body is announced (or
/// chunked) but only partly sent. The answer is read while the rest of the body is withheld, so a server that waits
/// for the whole body before answering shows up as no answer (a timeout), not as a slow one.
/// </summary>
public static class RawHttp
{
    public sealed record Answer(int Status, string Head, string Body);

    /// <param name="headers">Extra header lines, e.g. "Content-Length: 30000000" or "Transfer-Encoding: chunked".</param>
    /// <param name="bodyStart">The part of the body sent before reading the answer (already chunk-encoded when chunked).</param>
    public static async Task<Answer> SendPartialAsync(Uri baseAddress, string method, string path, IEnumerable<string> headers, byte[] bodyStart,
        TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        using var client = new TcpClient();
        await client.ConnectAsync(baseAddress.Host, baseAddress.Port, cancel.Token);
        var stream = client.GetStream();
        var head = new StringBuilder($"{method} {path} HTTP/1.1\r\nHost: {baseAddress.Authority}\r\n");
        foreach (var header in headers) head.Append(header).Append("\r\n");
        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), cancel.Token);
        try
        {
            await stream.WriteAsync(bodyStart, cancel.Token);
        }
        catch (IOException)
        {
            // The server may already have answered and closed: read what it said.
        }

        var received = new MemoryStream();
        var buffer = new byte[8192];
        while (true)
        {
            int read;
            try
            {
                read = await stream.ReadAsync(buffer, cancel.Token);
            }
            catch (OperationCanceledException)
            {
                if (received.Length > 0) break; // an answer without Connection: close; what came is enough
                throw new TimeoutException($"No answer to {method} {path} within the timeout: the server is waiting for the rest of the body.");
            }
            catch (IOException)
            {
                break;
            }
            if (read == 0) break;
            received.Write(buffer, 0, read);
            if (Complete(received.ToArray())) break;
        }
        var text = Encoding.UTF8.GetString(received.ToArray());
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (split < 0) throw new InvalidOperationException($"No HTTP answer to {method} {path}: '{text}'");
        var status = int.Parse(text.Split(' ', 3)[1]);
        var answerHead = text[..split];
        var body = text[(split + 4)..];
        return new Answer(status, answerHead, answerHead.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase) ? Dechunk(body) : body);
    }

    private static string Dechunk(string chunked)
    {
        var body = new StringBuilder();
        var at = 0;
        while (at < chunked.Length)
        {
            var end = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            if (end < 0) break;
            var size = Convert.ToInt32(chunked[at..end].Split(';')[0].Trim(), 16);
            if (size == 0) break;
            body.Append(chunked, end + 2, Math.Min(size, chunked.Length - end - 2));
            at = end + 2 + size + 2;
        }
        return body.ToString();
    }

    /// <summary>A chunk of <paramref name="size"/> bytes of 'a', chunk-encoded.</summary>
    public static byte[] Chunk(int size) => Encoding.ASCII.GetBytes($"{size:x}\r\n{new string('a', size)}\r\n");

    // Head and a body of the announced Content-Length received (or the head of a chunked answer and its last chunk).
    private static bool Complete(byte[] received)
    {
        var text = Encoding.UTF8.GetString(received);
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (split < 0) return false;
        var head = text[..split];
        var length = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        if (length is not null) return Encoding.UTF8.GetByteCount(text[(split + 4)..]) >= int.Parse(length["Content-Length:".Length..].Trim());
        return text.EndsWith("0\r\n\r\n", StringComparison.Ordinal);
    }
}
