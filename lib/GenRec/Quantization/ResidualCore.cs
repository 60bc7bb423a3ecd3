// The quantization loop shared by VectorQuantizer (one level) and ResidualQuantizer (L levels):
// level l picks the code nearest to the residual r_l, r_{l+1} = r_l − sg(e_l), quantized = Σ e_l.
// Losses follow the TIGER paper's RQ-VAE loss: Σ_l ‖sg[r_l] − e_l‖² (codebook) and Σ_l ‖r_l − sg[e_l]‖²
// (commitment), e_l the nearest codeword; since every r_l is computed with detached codewords, each
// level's commitment reaches the encoder. The estimator is applied once to the whole sum for straight-through and rotation (so the
// encoder sees one identity / one rotation, not L of them) and per level for Gumbel (each level has its
// own soft assignment). Eval mode returns the plain Σ e_l, accumulated exactly as Decode does.
// Runs every training step: only held Scalars reach LibTorch (see KeptScalars).
using GenRec.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenRec.Quantization;

internal sealed class ResidualCore
{
    private static readonly Scalar DistanceScaleFloor = KeptScalars.Keep(1e-12);
    private readonly IReadOnlyList<Codebook> _books;
    private readonly QuantizerOptions _options;
    private readonly Generator _gen;
    private readonly int[] _restarts;

    public ResidualCore(IReadOnlyList<Codebook> books, QuantizerOptions options, Generator gen)
    {
        _books = books;
        _options = options;
        _gen = gen;
        _restarts = new int[books.Count];
    }

    /// <summary>Training forward passes seen so far (drives the Gumbel temperature and dead-code windows).</summary>
    public long Steps { get; private set; }

    /// <summary>Codes restarted so far, per level.</summary>
    public IReadOnlyList<int> DeadCodeRestarts => _restarts;

    public double Temperature => _options.Gumbel.At(Steps);

    public QuantizerOutput Forward(Tensor x, bool training, string who)
    {
        QuantizerMath.CheckInput(x, _options.Dim, who);
        if (training && _options.KMeansInitOnFirstBatch && !_books[0].IsInitialized) InitializeFromData(x);

        using var scope = torch.NewDisposeScope();
        bool restart = training && _options.DeadCodeWindow > 0 && Steps > 0 && Steps % _options.DeadCodeWindow == 0;
        bool gumbel = training && _options.Estimator == Estimator.GumbelSoftmax;
        double tau = Temperature;

        var residual = x;                                   // (B, D)
        var sum = torch.zeros_like(x);                      // (B, D) exact Σ e_l
        var gumbelSum = gumbel ? torch.zeros_like(x) : null; // (B, D) Σ soft-hard codewords
        var codebookLoss = QuantizerMath.Zero(x);
        var commitmentLoss = QuantizerMath.Zero(x);
        var codes = new Tensor[_books.Count];
        for (int l = 0; l < _books.Count; l++)
        {
            var book = _books[l];
            // Restart before this step's graph uses the codebook, so no saved tensor is modified in place.
            if (restart) _restarts[l] += book.RestartDeadCodes(residual.detach(), _gen);

            Tensor code, nearest;                            // (B) code passed on, (B) nearest code
            if (gumbel)
            {
                var distances = book.Distances(residual, _options.Distance);   // (B, K)
                // Distances are divided by their (detached) batch mean so τ is dimensionless: raw latent
                // distances differ by ~1e-2, which would make any τ near 1 sample codes uniformly at random.
                var scale = distances.detach().mean().clamp_min(DistanceScaleFloor);
                var (assignment, sampled) = GradientEstimators.GumbelSoftmax(-distances / scale, tau, _gen);
                code = sampled;
                nearest = distances.detach().argmin(1);
                gumbelSum = gumbelSum!.Plus(assignment.matmul(book.Embeddings));   // (B, D)
            }
            else
            {
                using var _ = torch.no_grad();
                code = nearest = book.Distances(residual.detach(), _options.Distance).argmin(1);
            }

            // Codebook and commitment losses use the nearest code (what eval mode picks): with Gumbel's
            // sampled codes they would pull every codeword towards the mean of randomly assigned residuals.
            var target = book.Lookup(nearest);                                 // (B, D)
            codebookLoss = codebookLoss.Plus(QuantizerMath.SquaredError(target, residual.detach(), _options.LossReduction));
            commitmentLoss = commitmentLoss.Plus(QuantizerMath.SquaredError(residual, target.detach(), _options.LossReduction));
            // The residual chain follows the codes actually used, so later levels explain what is left.
            var codeword = ReferenceEquals(code, nearest) ? target.detach() : book.Lookup(code).detach(); // (B, D)
            sum = sum.Plus(codeword);
            residual = residual - codeword;
            if (training) book.RecordUsage(nearest);
            codes[l] = code;
        }
        if (training) Steps++;

        var quantized = !training
            ? sum
            : _options.Estimator switch
            {
                Estimator.StraightThrough => GradientEstimators.StraightThrough(x, sum),
                Estimator.RotationTrick => GradientEstimators.RotationTrick(x, sum),
                Estimator.GumbelSoftmax => gumbelSum!,
                _ => throw new ArgumentOutOfRangeException(nameof(_options.Estimator), _options.Estimator, "unknown estimator"),
            };
        var output = new QuantizerOutput(
            quantized,                                       // (B, D)
            torch.stack(codes, 1),                           // (B, L)
            codebookLoss.Plus(commitmentLoss),
            codebookLoss,
            commitmentLoss);
        return output.MoveToOuterDisposeScope();
    }

    public Tensor Decode(Tensor codes)
    {
        if (codes.dim() != 2 || codes.shape[1] != _books.Count)
            throw new ArgumentException($"Decode expects codes of shape (B, {_books.Count}), got ({string.Join(", ", codes.shape)}).");
        using var scope = torch.NewDisposeScope();
        var idx = codes.to_type(ScalarType.Int64).to(_books[0].Embeddings.device);   // (B, L)
        var sum = torch.zeros(codes.shape[0], _options.Dim, dtype: _books[0].Embeddings.dtype, device: idx.device); // (B, D)
        for (int l = 0; l < _books.Count; l++)
            sum = sum.Plus(_books[l].Lookup(idx.select(1, l)).detach());
        return sum.MoveToOuterDisposeScope();
    }

    /// <summary>k-means level by level: level l is fitted on the residuals left by levels &lt; l.</summary>
    public void InitializeFromData(Tensor x)
    {
        QuantizerMath.CheckInput(x, _options.Dim, "InitializeFromData");
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var residual = x.detach();                           // (N, D)
        for (int l = 0; l < _books.Count; l++)
        {
            var assignments = _books[l].InitializeWithKMeans(residual, _options.Seed + 7919L * (l + 1), _options.KMeansIterations);
            var chosen = _books[l].Lookup(torch.tensor(assignments, device: residual.device)); // (N, D)
            residual = residual - chosen;
        }
    }
}
