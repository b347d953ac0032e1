using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RdLicensing.LicenseServer.Tests.Fuzz;

/// <summary>
/// A JSON body of the shape a CLR type reads (records by their constructor, other classes by their settable
/// properties), filled with values of the right JSON kind that no endpoint accepts: a string with a control
/// character, -1, false. The fuzzer breaks one place of it at a time, so whatever it sends is wrong at least there —
/// and the untouched fields are never a valid request either.
/// </summary>
internal static class JsonShape
{
    /// <summary>A string of the right kind but not a valid value of anything: names, codes, URLs, enums refuse it.</summary>
    public const string BadString = "\u0007bad";

    public static JsonNode? Sample(Type type) => Sample(type, depth: 0);

    /// <summary>Every place in the document that a mutation can replace: (the containing node, the key or index).</summary>
    public static IReadOnlyList<string> Paths(JsonNode? root)
    {
        var paths = new List<string>();
        Walk(root, "", paths);
        return paths;
    }

    /// <summary>A copy of <paramref name="root"/> with the node at <paramref name="path"/> replaced.</summary>
    public static JsonNode? Replace(JsonNode? root, string path, JsonNode? value)
    {
        var copy = root?.DeepClone();
        var steps = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var parent = copy;
        foreach (var step in steps[..^1]) parent = parent is JsonArray a ? a[int.Parse(step)] : parent![step];
        if (parent is JsonArray array) array[int.Parse(steps[^1])] = value;
        else parent![steps[^1]] = value;
        return copy;
    }

    public static JsonNode? At(JsonNode? root, string path)
    {
        var node = root;
        foreach (var step in path.Split('/', StringSplitOptions.RemoveEmptyEntries)) node = node is JsonArray a ? a[int.Parse(step)] : node![step];
        return node;
    }

    private static void Walk(JsonNode? node, string path, List<string> paths)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, child) in o)
                {
                    paths.Add(path + "/" + name);
                    Walk(child, path + "/" + name, paths);
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    paths.Add(path + "/" + i);
                    Walk(a[i], path + "/" + i, paths);
                }
                break;
        }
    }

    private static JsonNode? Sample(Type type, int depth)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return BadString;
        if (type == typeof(bool)) return false;
        if (type == typeof(Guid)) return Guid.Empty.ToString();
        if (type == typeof(DateTimeOffset) || type == typeof(DateTime)) return "1999-01-01T00:00:00Z";
        if (type == typeof(DateOnly)) return "1999-01-01";
        if (type.IsEnum || type.IsPrimitive || type == typeof(decimal)) return -1;
        if (depth > 4) return null;
        if (type.IsArray || (type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type)))
        {
            var element = type.IsArray ? type.GetElementType()! : type.GetGenericArguments().FirstOrDefault() ?? typeof(string);
            return new JsonArray(Sample(element, depth + 1));
        }
        var result = new JsonObject();
        foreach (var (name, memberType) in Members(type)) result[JsonNamingPolicy.CamelCase.ConvertName(name)] = Sample(memberType, depth + 1);
        return result;
    }

    private static IEnumerable<(string Name, Type Type)> Members(Type type)
    {
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault();
        if (constructor is { } c && c.GetParameters().Length > 0) return c.GetParameters().Select(p => (p.Name!, p.ParameterType));
        return type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => (p.Name, p.PropertyType));
    }
}
