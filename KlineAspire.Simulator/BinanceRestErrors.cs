using System.Text.Json;

namespace KlineAspire.Simulator;

/// <summary>Binance's REST error body, <c>{"code":-1121,"msg":"Invalid symbol."}</c>, with its HTTP status.</summary>
internal static class BinanceRestErrors
{
    public static IResult Error(int httpStatus, int code, string message) =>
        Results.Content($$"""{"code":{{code}},"msg":{{JsonSerializer.Serialize(message)}}}""", "application/json", statusCode: httpStatus);

    public static IResult BadRequest(int code, string message) => Error(StatusCodes.Status400BadRequest, code, message);

    public static IResult MandatoryParameterMissing(string name) =>
        BadRequest(-1102, $"Mandatory parameter '{name}' was not sent, was empty/null, or malformed.");

    public static IResult IllegalCharacters(string name) =>
        BadRequest(-1100, $"Illegal characters found in parameter '{name}'; legal range is '^[0-9]{{1,20}}$'.");
}
