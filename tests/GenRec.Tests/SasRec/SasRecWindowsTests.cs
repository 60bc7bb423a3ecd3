using GenRec.Data;
using GenRec.SasRec;
using static TorchSharp.torch;

namespace GenRec.Tests.SasRec;

public class SasRecWindowsTests
{
    [Fact]
    public void Rows_are_the_training_part_shifted_by_one_and_cut_from_the_end()
    {
        // items 1..9: validation 8, test 9, training part 1..7 → targets 2..7; rows of at most 4 targets
        var rows = SasRecWindows.FromSequences([new UserSequence(5, [1, 2, 3, 4, 5, 6, 7, 8, 9])], maxLength: 4);
        Assert.Equal(2, rows.Count);
        Assert.Equal([3, 4, 5, 6], rows[0].Inputs);
        Assert.Equal([4, 5, 6, 7], rows[0].Targets);
        Assert.Equal([1, 2], rows[1].Inputs);
        Assert.Equal([2, 3], rows[1].Targets);
        Assert.All(rows, r => Assert.Equal(5, r.UserId));
    }

    [Fact]
    public void Every_position_is_one_all_prefix_example_of_the_leave_one_out_split()
    {
        var sequences = TinySasRec.CycleSequences(users: 15, TinySasRec.Cycle(20, seed: 3), seed: 4);
        sequences.Add(new UserSequence(99, [4, 5, 6]));                       // training part of one item: no row
        var rows = SasRecWindows.FromSequences(sequences, maxLength: 20);
        var fromRows = rows.SelectMany(r => r.Targets.Select((target, t) => $"{r.UserId}:{string.Join(",", r.Inputs[..(t + 1)])}→{target}"));
        var split = LeaveOneOutSplit.Create(sequences, new LeaveOneOutConfig(MaxHistory: 20));
        var fromSplit = split.Train.Select(e => $"{e.UserId}:{string.Join(",", e.History)}→{e.Target}");
        Assert.Equal(fromSplit.Order(), fromRows.Order());
        Assert.DoesNotContain(rows, r => r.UserId == 99);
    }

    [Fact]
    public void Short_sequence_names_the_user()
    {
        var error = Assert.Throws<ArgumentException>(() => SasRecWindows.FromSequences([new UserSequence(7, [1, 2])], 20));
        Assert.Contains("User 7", error.Message);
    }

    [Fact]
    public void Batches_are_left_padded_with_zero()
    {
        var (inputs, targets) = SasRecWindows.Pad([new SasRecWindow(1, [5, 6, 7], [6, 7, 8]), new SasRecWindow(2, [9], [3])], CPU);
        Assert.Equal([2L, 3L], inputs.shape);
        Assert.Equal([5L, 6, 7, 0, 0, 9], inputs.data<long>().ToArray());
        Assert.Equal([6L, 7, 8, 0, 0, 3], targets.data<long>().ToArray());
        using var histories = SasRecWindows.PadHistories([[1, 2, 3, 4], [5]], maxLength: 3, CPU);   // cut to the last 3
        Assert.Equal([2L, 3, 4, 0, 0, 5], histories.data<long>().ToArray());
    }
}
