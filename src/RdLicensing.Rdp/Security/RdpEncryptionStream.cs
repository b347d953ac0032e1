using System.Security.Cryptography;

namespace RdLicensing.Rdp.Security;

/// <summary>
/// One direction of standard RDP security (MS-RDPBCGR 5.3.6.1): a continuous RC4 stream plus the MAC over each
/// packet's plaintext. After 4,096 packets the key is updated (5.3.7.1) and the stream restarts with the new key.
/// Packets must pass in the order they travel; the server holds one stream per direction.
/// </summary>
public sealed class RdpEncryptionStream
{
    /// <summary>Packets encrypted or decrypted with one key before it is updated (5.3.7.1).</summary>
    public const int PacketsPerKey = 4096;

    private readonly EncryptionMethod _method;
    private readonly byte[] _initialKey;
    private readonly byte[] _macKey;
    private byte[] _currentKey;
    private Rc4 _rc4;
    private int _packetsWithCurrentKey;

    /// <param name="initialKey">The initial key of this direction, already reduced (<see cref="RdpSessionKeys"/>).</param>
    public RdpEncryptionStream(byte[] initialKey, byte[] macKey, EncryptionMethod method)
    {
        ArgumentNullException.ThrowIfNull(initialKey);
        ArgumentNullException.ThrowIfNull(macKey);
        var keyLength = RdpSessionKeys.KeyLength(method);
        if (initialKey.Length != keyLength) throw new ArgumentException($"A {method} key has {keyLength} bytes, not {initialKey.Length}.", nameof(initialKey));
        if (macKey.Length != keyLength) throw new ArgumentException($"A {method} MAC key has {keyLength} bytes, not {macKey.Length}.", nameof(macKey));
        _method = method;
        _initialKey = (byte[])initialKey.Clone();
        _macKey = (byte[])macKey.Clone();
        _currentKey = (byte[])initialKey.Clone();
        _rc4 = new Rc4(_currentKey);
    }

    /// <summary>Packets this stream has processed since it started: the count salted MACs use (5.3.6.1.1).</summary>
    public uint PacketCount { get; private set; }

    /// <summary>The MAC of the plaintext goes in the security header, the ciphertext after it.</summary>
    public byte[] Encrypt(ReadOnlySpan<byte> plaintext, out byte[] mac, bool salted = false)
    {
        mac = Mac(plaintext, salted, PacketCount);
        return Advance(plaintext);
    }

    /// <summary>
    /// <see cref="Encrypt"/> without intermediate arrays: the MAC into <paramref name="mac"/> (8 bytes), the ciphertext
    /// straight into <paramref name="ciphertext"/> (as long as the plaintext; they may not overlap).
    /// </summary>
    public void EncryptInto(ReadOnlySpan<byte> plaintext, Span<byte> mac, Span<byte> ciphertext, bool salted = false)
    {
        Mac(plaintext, salted, PacketCount).AsSpan(0, mac.Length).CopyTo(mac);
        if (_packetsWithCurrentKey == PacketsPerKey) UpdateKey();
        _rc4.Process(plaintext, ciphertext[..plaintext.Length]);
        _packetsWithCurrentKey++;
        PacketCount++;
    }

    /// <exception cref="RdpProtocolException">"MAC mismatch": the packet was not produced with these keys, or one was lost.</exception>
    public byte[] Decrypt(ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> mac, bool salted = false)
    {
        var count = PacketCount;
        var plaintext = Advance(ciphertext);
        var expected = Mac(plaintext, salted, count);
        if (!CryptographicOperations.FixedTimeEquals(expected, mac))
            throw new RdpProtocolException($"MAC mismatch on encrypted packet {count} ({(salted ? "salted" : "plain")} MAC).");
        return plaintext;
    }

    /// <param name="count">Packets this stream had processed before this one: the salt of a salted MAC.</param>
    private byte[] Mac(ReadOnlySpan<byte> plaintext, bool salted, uint count) =>
        salted ? RdpMac.ComputeSalted(_macKey, plaintext, count) : RdpMac.Compute(_macKey, plaintext);

    private byte[] Advance(ReadOnlySpan<byte> input)
    {
        if (_packetsWithCurrentKey == PacketsPerKey) UpdateKey();
        var output = _rc4.Process(input);
        _packetsWithCurrentKey++;
        PacketCount++;
        return output;
    }

    /// <summary>
    /// MS-RDPBCGR 5.3.7.1: TempKey = MD5(Initial + Pad2 + SHA1(Initial + Pad1 + Current)), cut to the key length;
    /// the new key is TempKey encrypted with RC4 keyed by itself, salted again for 40/56-bit.
    /// </summary>
    private void UpdateKey()
    {
        var tempKey = KeyHashing.PaddedHash(_initialKey, _currentKey).AsSpan(0, _initialKey.Length);
        var preSaltKey = Rc4.Once(tempKey, tempKey);
        _currentKey = RdpSessionKeys.Reduce(preSaltKey, _method);
        _rc4 = new Rc4(_currentKey);
        _packetsWithCurrentKey = 0;
    }
}
