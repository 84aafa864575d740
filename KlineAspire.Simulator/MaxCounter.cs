namespace KlineAspire.Simulator;

/// <summary>A lock-free "highest value seen" update, for peaks that many connections report concurrently.</summary>
internal static class MaxCounter
{
    public static void RaiseToAtLeast(ref int field, int value)
    {
        var current = Volatile.Read(ref field);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref field, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
