using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RdLicensing.Rdp.Security;

/// <summary>
/// The RC4 stream cipher. .NET has none, and RDP standard security (MS-RDPBCGR 5.3.6) and the licensing layer
/// (MS-RDPELE 5.1.3) both need it. One instance is one keystream: successive <see cref="Process(ReadOnlySpan{byte}, Span{byte})"/>
/// calls continue where the last one stopped, which is what the session layer needs; licensing blobs use
/// <see cref="Once"/> because each is encrypted with a fresh cipher.
/// </summary>
public sealed class Rc4
{
    private readonly byte[] _state = new byte[256];
    private int _i;
    private int _j;

    public Rc4(ReadOnlySpan<byte> key)
    {
        if (key.Length is < 1 or > 256) throw new ArgumentException($"An RC4 key has 1 to 256 bytes, not {key.Length}.", nameof(key));
        for (var n = 0; n < 256; n++) _state[n] = (byte)n;
        var j = 0;
        for (var n = 0; n < 256; n++)
        {
            j = (j + _state[n] + key[n % key.Length]) & 0xFF;
            (_state[n], _state[j]) = (_state[j], _state[n]);
        }
    }

    /// <summary>XORs <paramref name="input"/> with the next keystream bytes into <paramref name="output"/> (may be the same memory).</summary>
    public void Process(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (output.Length < input.Length) throw new ArgumentException($"The output has {output.Length} byte(s) for {input.Length} of input.", nameof(output));
        // The relay runs every byte of a standard-security session through here: the indices stay in locals and the
        // 256-byte state is addressed without bounds checks (every index is masked to 0..255).
        ref var state = ref MemoryMarshal.GetArrayDataReference(_state);
        var i = _i;
        var j = _j;
        for (var n = 0; n < input.Length; n++)
        {
            i = (i + 1) & 0xFF;
            ref var si = ref Unsafe.Add(ref state, i);
            var a = si;
            j = (j + a) & 0xFF;
            ref var sj = ref Unsafe.Add(ref state, j);
            var b = sj;
            si = b;
            sj = a;
            output[n] = (byte)(input[n] ^ Unsafe.Add(ref state, (a + b) & 0xFF));
        }
        _i = i;
        _j = j;
    }

    public byte[] Process(ReadOnlySpan<byte> input)
    {
        var output = new byte[input.Length];
        Process(input, output);
        return output;
    }

    /// <summary>Encrypts (or decrypts) <paramref name="data"/> with a cipher keyed afresh, as every licensing blob is.</summary>
    public static byte[] Once(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data) => new Rc4(key).Process(data);
}
