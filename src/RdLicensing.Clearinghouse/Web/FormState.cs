using RdLicensing.Clearinghouse.Granting;

namespace RdLicensing.Clearinghouse.Web;

/// <summary>
/// One form of a page and what its last submission gave: the values shown in the inputs (typed, or linked in the query
/// string), the errors next to their fields, and the result once the clearinghouse granted it. A refusal sets the
/// response status and the ProblemDetails detail next to its field, and leaves a <see cref="RefusalLog"/> line.
/// </summary>
public sealed class FormState<TResult> where TResult : class
{
    public Func<string, string?> Values { get; private set; } = FormValues.Empty;

    public FormErrors Errors { get; } = new();

    public TResult? Result { get; private set; }

    public static FormState<TResult> FromQuery(HttpRequest request) => new() { Values = FormValues.Query(request) };

    /// <param name="submit">Reads the form and asks the clearinghouse; null (with errors added) when the form itself cannot be read.</param>
    public async Task SubmitAsync(HttpContext context, Func<Func<string, string?>, FormErrors, CancellationToken, Task<TResult?>> submit)
    {
        Values = FormValues.Posted(context.Request);
        try
        {
            Result = await submit(Values, Errors, context.RequestAborted);
            if (Result is null) context.Response.StatusCode = StatusCodes.Status400BadRequest;
            else Values = FormValues.Empty;
        }
        catch (ClearinghouseRefusal refusal)
        {
            RefusalLog.Write(context.Request, refusal);
            Errors.Add(refusal.Field, refusal.Detail);
            context.Response.StatusCode = refusal.Status;
        }
    }
}
