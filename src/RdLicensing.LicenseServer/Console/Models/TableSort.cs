namespace RdLicensing.LicenseServer.Console.Models;

/// <summary>
/// How a console table is sorted: a column name and a direction, read from the query string (<c>sort</c>, <c>dir</c>) so a
/// link, a bookmark or the pager keeps it. An unknown column falls back to the table's default order.
/// </summary>
public sealed record TableSort(string Column, bool Descending)
{
    public const string SortKey = "sort";
    public const string DirectionKey = "dir";

    public static TableSort Parse(string? sort, string? dir, IReadOnlyCollection<string> columns, TableSort fallback)
    {
        if (string.IsNullOrEmpty(sort) || !columns.Contains(sort)) return fallback;
        return new TableSort(sort, dir switch { "desc" => true, "asc" => false, _ => sort == fallback.Column ? fallback.Descending : false });
    }

    /// <summary>The order a click on <paramref name="column"/>'s header gives: the other direction of this column, or that column ascending (or descending first for dates and counts).</summary>
    public TableSort Toggle(string column, bool descendingFirst = false) =>
        column == Column ? this with { Descending = !Descending } : new TableSort(column, descendingFirst);

    /// <summary>The header's aria-sort: only on the column sorted by.</summary>
    public string? AriaSort(string column) => column == Column ? (Descending ? "descending" : "ascending") : null;

    /// <summary>The query string pairs of this order; none when it is the table's default (so default links stay short).</summary>
    public IEnumerable<KeyValuePair<string, string?>> Query(TableSort fallback) => this == fallback
        ? [new(SortKey, null), new(DirectionKey, null)]
        : [new(SortKey, Column), new(DirectionKey, Descending ? "desc" : "asc")];

    /// <summary>Sorts rows by the key of this column (ordinal, case-insensitive for text), keeping the given order among equals.</summary>
    public IReadOnlyList<T> Apply<T>(IEnumerable<T> rows, IReadOnlyDictionary<string, Func<T, IComparable?>> keys)
    {
        if (!keys.TryGetValue(Column, out var key)) return rows.ToList();
        var comparer = Comparer<IComparable?>.Create(Compare);
        return (Descending ? rows.OrderByDescending(key, comparer) : rows.OrderBy(key, comparer)).ToList();
    }

    private static int Compare(IComparable? a, IComparable? b) => (a, b) switch
    {
        (null, null) => 0,
        (null, _) => -1,
        (_, null) => 1,
        (string x, string y) => StringComparer.OrdinalIgnoreCase.Compare(x, y),
        _ => a.CompareTo(b),
    };
}
