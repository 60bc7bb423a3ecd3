// Leave-one-out split used by TIGER (and P5, S3-Rec, SASRec before it): per user, the last item is
// the test target, the second-to-last the validation target, and everything before is training data.
// Training examples are every prefix of the training part (the usual sliding-window augmentation of
// P5 / TIGER's data pipeline) or, optionally, only its last item.
namespace GenRec.Data;

/// <summary>Which training examples to make from a user's training part.</summary>
public enum TrainingExamples
{
    /// <summary>
    /// Every position t ≥ 1 of the training part is a target with the items before it as history
    /// (sliding-window augmentation of TIGER / P5): a training part of length m gives m − 1 examples.
    /// </summary>
    AllPrefixes,

    /// <summary>Only the last training item is a target (one example per user).</summary>
    LastOnly,
}

/// <summary>Settings of the split.</summary>
/// <param name="MaxHistory">Histories keep only the most recent this-many items (TIGER: 20).</param>
/// <param name="TrainingExamples">How training examples are generated.</param>
public sealed record LeaveOneOutConfig(int MaxHistory = 20, TrainingExamples TrainingExamples = TrainingExamples.AllPrefixes);

/// <summary>One next-item example: the user's recent items (oldest first) and the item that came next.</summary>
public sealed record SequenceExample(int UserId, int[] History, int Target);

/// <summary>The train / validation / test examples of a leave-one-out split (users in input order).</summary>
public sealed record LeaveOneOutSplit(
    LeaveOneOutConfig Config,
    IReadOnlyList<SequenceExample> Train,
    IReadOnlyList<SequenceExample> Validation,
    IReadOnlyList<SequenceExample> Test)
{
    /// <summary>Splits every sequence of <paramref name="dataset"/>.</summary>
    public static LeaveOneOutSplit Create(AmazonDataset dataset, LeaveOneOutConfig? config = null) =>
        Create(dataset.Sequences, config);

    /// <summary>
    /// Splits each sequence s of length n ≥ 3: test = (s[..n-1] → s[n-1]), validation = (s[..n-2] → s[n-2]),
    /// training from s[..n-2] as set by <see cref="LeaveOneOutConfig.TrainingExamples"/>. Every history is cut
    /// to its last <see cref="LeaveOneOutConfig.MaxHistory"/> items.
    /// </summary>
    public static LeaveOneOutSplit Create(IEnumerable<UserSequence> sequences, LeaveOneOutConfig? config = null)
    {
        config ??= new LeaveOneOutConfig();
        if (config.MaxHistory < 1) throw new ArgumentOutOfRangeException(nameof(config), config.MaxHistory, "MaxHistory must be at least 1");
        var train = new List<SequenceExample>();
        var validation = new List<SequenceExample>();
        var test = new List<SequenceExample>();
        foreach (var sequence in sequences)
        {
            var items = sequence.Items;
            var n = items.Length;
            if (n < SequencesReader.MinimumLength)
                throw new ArgumentException(
                    $"User {sequence.UserId} has {n} items; leave-one-out needs at least {SequencesReader.MinimumLength}.", nameof(sequences));
            var trainingLength = n - 2;
            var firstTarget = config.TrainingExamples == TrainingExamples.AllPrefixes ? 1 : trainingLength - 1;
            for (var t = Math.Max(1, firstTarget); t < trainingLength; t++)
                train.Add(Example(sequence.UserId, items, t, config.MaxHistory));
            validation.Add(Example(sequence.UserId, items, n - 2, config.MaxHistory));
            test.Add(Example(sequence.UserId, items, n - 1, config.MaxHistory));
        }
        return new LeaveOneOutSplit(config, train, validation, test);
    }

    /// <summary>Target items[t] with history items[max(0, t − maxHistory) .. t).</summary>
    private static SequenceExample Example(int userId, int[] items, int t, int maxHistory) =>
        new(userId, items[Math.Max(0, t - maxHistory)..t], items[t]);
}
