// Validation of a stage-2 model (either kind) the way the paper evaluates it: for each user, encode the
// history, run constrained beam search (beam 20) and compare the ranked items with the held-out next item.
using GenRec.Evaluation;

namespace GenRec.Tiger;

/// <summary>Recall/NDCG@5/10 of a model on leave-one-out examples.</summary>
public static class TigerValidation
{
    /// <summary>Ranked top-10 items per example (beam width ≥ 10) and the aggregated metrics.</summary>
    public static (EvaluationResult Metrics, BeamSearchResult Beams) Evaluate(
        IGenerativeRetriever model, SemanticIdTokenizer tokenizer, IReadOnlyList<TigerExample> examples,
        int maxHistoryItems = 20, bool useUserToken = false, int beamWidth = 20, int batchSize = 256, PrefixTrie? trie = null)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(model);
        var sources = examples.Select(e => model.EncodeSource(tokenizer, e.History, maxHistoryItems, useUserToken ? e.UserId : null)).ToList();
        var beams = new ConstrainedBeamSearch(model, tokenizer, trie)
            .Search(sources, new BeamSearchOptions(BeamWidth: Math.Max(beamWidth, 10), TopK: 10, Constrained: true, BatchSize: batchSize));
        var evaluator = new Evaluator();
        for (var i = 0; i < examples.Count; i++) evaluator.Add(examples[i].UserId, beams.Users[i].ItemIds, examples[i].Target);
        return (evaluator.Result(), beams);
    }
}
