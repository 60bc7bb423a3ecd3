// Leave-one-out split (TIGER protocol) on hand-made sequences, with every expected array written out.
using GenRec.Data;

namespace GenRec.Tests.Data;

public class LeaveOneOutSplitTests
{
    // User 7: 10 20 30 40 50 60 (n = 6): training part 10 20 30 40, validation target 50, test target 60.
    private static readonly UserSequence Six = new(7, [10, 20, 30, 40, 50, 60]);
    // User 8: the shortest allowed sequence: training part 1, no training example can be made from it.
    private static readonly UserSequence Three = new(8, [1, 2, 3]);

    [Fact]
    public void AllPrefixes_EveryTrainingPositionIsATarget()
    {
        var split = LeaveOneOutSplit.Create([Six, Three]);

        Assert.Equal(3, split.Train.Count);
        AssertExample(split.Train[0], 7, [10], 20);
        AssertExample(split.Train[1], 7, [10, 20], 30);
        AssertExample(split.Train[2], 7, [10, 20, 30], 40);

        Assert.Equal(2, split.Validation.Count);
        AssertExample(split.Validation[0], 7, [10, 20, 30, 40], 50);
        AssertExample(split.Validation[1], 8, [1], 2);

        Assert.Equal(2, split.Test.Count);
        AssertExample(split.Test[0], 7, [10, 20, 30, 40, 50], 60);
        AssertExample(split.Test[1], 8, [1, 2], 3);
    }

    [Fact]
    public void LastOnly_OneTrainingExamplePerUserWithATrainingTarget()
    {
        var split = LeaveOneOutSplit.Create([Six, Three], new LeaveOneOutConfig(TrainingExamples: TrainingExamples.LastOnly));

        AssertExample(Assert.Single(split.Train), 7, [10, 20, 30], 40);
        Assert.Equal(2, split.Validation.Count);
        Assert.Equal(2, split.Test.Count);
    }

    [Fact]
    public void MaxHistory_KeepsOnlyTheMostRecentItems()
    {
        var split = LeaveOneOutSplit.Create([Six], new LeaveOneOutConfig(MaxHistory: 2));

        AssertExample(split.Train[0], 7, [10], 20);
        AssertExample(split.Train[1], 7, [10, 20], 30);
        AssertExample(split.Train[2], 7, [20, 30], 40);
        AssertExample(split.Validation[0], 7, [30, 40], 50);
        AssertExample(split.Test[0], 7, [40, 50], 60);
    }

    [Fact]
    public void DefaultMaxHistory_Is20_AndTruncatesLongSequences()
    {
        var items = Enumerable.Range(1, 25).ToArray();   // 1..25: test target 25, validation 24
        var split = LeaveOneOutSplit.Create([new UserSequence(1, items)]);

        Assert.Equal(20, split.Config.MaxHistory);
        Assert.Equal(22, split.Train.Count);               // targets 2..23
        AssertExample(split.Train[^1], 1, Enumerable.Range(3, 20).ToArray(), 23);
        AssertExample(split.Validation[0], 1, Enumerable.Range(4, 20).ToArray(), 24);
        AssertExample(split.Test[0], 1, Enumerable.Range(5, 20).ToArray(), 25);
    }

    [Fact]
    public void Create_FromTinyDataset_CountsMatchFormula()
    {
        // Lengths 4, 3, 5 → training parts 2, 1, 3 → 1 + 0 + 2 training examples.
        var sequences = new[] { new UserSequence(1, [1, 2, 3, 4]), new UserSequence(2, [4, 3, 1]), new UserSequence(3, [2, 1, 4, 3, 2]) };
        var split = LeaveOneOutSplit.Create(sequences);
        Assert.Equal(3, split.Train.Count);
        Assert.Equal([2, 1, 4], split.Train.Select(e => e.Target));
    }

    [Fact]
    public void Create_TooShortSequenceOrBadConfig_Throws()
    {
        Assert.Throws<ArgumentException>(() => LeaveOneOutSplit.Create([new UserSequence(1, [1, 2])]));
        Assert.Throws<ArgumentOutOfRangeException>(() => LeaveOneOutSplit.Create([Six], new LeaveOneOutConfig(MaxHistory: 0)));
    }

    private static void AssertExample(SequenceExample example, int user, int[] history, int target)
    {
        Assert.Equal(user, example.UserId);
        Assert.Equal(history, example.History);
        Assert.Equal(target, example.Target);
    }
}
