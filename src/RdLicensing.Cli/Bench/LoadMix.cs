using System.Globalization;

namespace RdLicensing.Cli.Bench;

/// <summary>What a simulated session host asks the license server for, as `--mix` names it.</summary>
internal enum LoadOperation
{
    /// <summary>A device presents its valid permanent CAL: the most common request in real life.</summary>
    Present,
    /// <summary>A device never seen before: a temporary CAL is issued.</summary>
    First,
    /// <summary>The user of a device with a temporary CAL signed in (reported), and the device returns: upgraded to a permanent CAL.</summary>
    Upgrade,
    /// <summary>A device presents a permanent CAL within 7 days of its expiry: renewed.</summary>
    Renew,
    /// <summary>A user signs in on a Per User host: the user's CAL is checked, extended or issued.</summary>
    PerUser,
}

/// <summary>The weights of each operation: `--mix present=60,first=10,upgrade=10,renew=5,peruser=15`.</summary>
internal sealed class LoadMix
{
    public const string Default = "present=60,first=10,upgrade=10,renew=5,peruser=15";

    private static readonly (string Name, LoadOperation Operation)[] Names =
    [
        ("present", LoadOperation.Present), ("first", LoadOperation.First), ("upgrade", LoadOperation.Upgrade),
        ("renew", LoadOperation.Renew), ("peruser", LoadOperation.PerUser),
    ];

    public static readonly string NameList = string.Join(", ", Names.Select(n => n.Name));

    private readonly int[] _weights;
    private readonly int _total;

    private LoadMix(int[] weights)
    {
        _weights = weights;
        _total = weights.Sum();
    }

    public int WeightOf(LoadOperation operation) => _weights[(int)operation];

    public static string NameOf(LoadOperation operation) => Names.First(n => n.Operation == operation).Name;

    /// <summary>The mix as text, in a fixed order, operations of weight 0 left out.</summary>
    public override string ToString() =>
        string.Join(',', Names.Where(n => WeightOf(n.Operation) > 0).Select(n => $"{n.Name}={WeightOf(n.Operation)}"));

    public LoadOperation Pick(Random random)
    {
        var roll = random.Next(_total);
        for (var i = 0; i < _weights.Length; i++)
        {
            if (roll < _weights[i]) return (LoadOperation)i;
            roll -= _weights[i];
        }
        return LoadOperation.Present;
    }

    /// <summary>Operations left out of the text weigh 0; at least one must weigh more.</summary>
    public static bool TryParse(string text, out LoadMix mix, out string error)
    {
        mix = null!;
        error = "";
        var weights = new int[Names.Length];
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            var known = Names.FirstOrDefault(n => string.Equals(n.Name, pair[0], StringComparison.OrdinalIgnoreCase));
            if (known.Name is null)
            {
                error = $"--mix names an unknown operation '{pair[0]}': use {NameList}, e.g. {Default}";
                return false;
            }
            if (pair.Length != 2 || !int.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out var weight) || weight > 1000)
            {
                error = $"--mix weights must be whole numbers from 0 to 1000, as in {Default}, not '{part}'";
                return false;
            }
            weights[(int)known.Operation] = weight;
        }
        if (weights.Sum() == 0)
        {
            error = $"--mix needs at least one operation with a weight above 0, e.g. {Default}";
            return false;
        }
        mix = new LoadMix(weights);
        return true;
    }

    public static LoadMix Parse(string text) => TryParse(text, out var mix, out var error) ? mix : throw new FormatException(error);
}
