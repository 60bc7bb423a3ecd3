// Finds the places in C# source where a TorchSharp call may receive a Scalar that nothing keeps alive.
// TorchSharp 0.107 passes only a Scalar's native handle to LibTorch and frees the native scalar in the
// Scalar's finalizer; a garbage collection during the call can therefore free it while LibTorch reads it
// (the process aborts, "Exception raised from toFloat at c10/core/Scalar.h"; TOOLCHAIN.md, "TorchSharp
// Scalars and the GC"). Two kinds of site make such a temporary:
//   1. our code hands a call a Scalar that is not held: a number converted implicitly (`t.mul(0.5)`,
//      `masked_fill(m, -1e9)`, `t - 1`), a `.ToScalar()` result, or a local without `using` (the JIT may
//      treat a local as dead once its last use has been passed as an argument);
//   2. we call a TorchSharp method that makes a Scalar itself: `a.add(b)` and `a + b` call
//      `add(b, alpha: 1)`, AdamW.step makes several per parameter. These are found in TorchSharp's own IL:
//      a method whose body (or a method it calls inside TorchSharp, lambdas included) calls
//      `Scalar.op_Implicit`, `ToScalar` or a Scalar constructor.
// Held Scalars are fields (KeptScalars, a module's constants), properties without accessor bodies,
// parameters (their callers are checked in turn), `using` locals, and null (an omitted optional Scalar).
// The compilation must be free of errors, so every call is resolved exactly as the real build resolves it.
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GenRec.Tests.Training;

/// <summary>One call site that may hand LibTorch an unheld Scalar.</summary>
/// <param name="File">Source path as given to the scanner.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Member">Type.Member that contains the site.</param>
/// <param name="Code">The expression, whitespace collapsed.</param>
/// <param name="Reason">Which temporary and why.</param>
public sealed record ScalarSite(string File, int Line, string Member, string Code, string Reason)
{
    public override string ToString() => $"{File}:{Line} ({Member}): `{Code}` — {Reason}";
}

/// <summary>Roslyn over our sources plus an IL scan of TorchSharp (see the file header).</summary>
public static class ScalarSiteScanner
{
    const string ScalarType = "TorchSharp.Scalar";

    static readonly string[] ImplicitUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    /// <summary>
    /// Compiles <paramref name="sources"/> (path, text) against <paramref name="references"/> and returns every
    /// unheld-Scalar site. Throws when the sources do not compile (a half-resolved call could hide a site).
    /// </summary>
    public static IReadOnlyList<ScalarSite> Scan(IEnumerable<(string Path, string Text)> sources, IEnumerable<string> references)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Preview);
        var usings = string.Concat(ImplicitUsings.Select(u => $"global using {u};\n"));
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, parse, s.Path))
                           .Append(CSharpSyntaxTree.ParseText(usings, parse, "GlobalUsings.g.cs")).ToList();
        var compilation = CSharpCompilation.Create("ScalarScan", trees, references.Select(r => MetadataReference.CreateFromFile(r)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));
        // source generators do not run here: a [GeneratedRegex] partial method lacks its generated half (CS8795)
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != "CS8795").Take(10).ToList();
        if (errors.Count > 0)
            throw new InvalidOperationException("The scanned sources do not compile:\n" + string.Join("\n", errors));

        var torchSharp = compilation.References.Select(compilation.GetAssemblyOrModuleSymbol).OfType<IAssemblySymbol>()
                                    .FirstOrDefault(a => a.Name == "TorchSharp")
                         ?? throw new InvalidOperationException("TorchSharp is not among the references.");
        using var il = new TorchSharpScalarMakers(references.Single(r => Path.GetFileName(r) == "TorchSharp.dll"));
        var torchTypes = AllTypes(torchSharp.GlobalNamespace).ToList();
        var inside = new Dictionary<IMethodSymbol, string?>(SymbolEqualityComparer.Default);
        var sites = new List<ScalarSite>();
        foreach (var tree in trees)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var node in tree.GetRoot().DescendantNodes())
            {
                if (node is not (InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax or BinaryExpressionSyntax
                    or AssignmentExpressionSyntax or PrefixUnaryExpressionSyntax or ElementAccessExpressionSyntax)) continue;
                var operation = model.GetOperation(node);
                if (operation is null) continue;
                foreach (var (method, arguments) in Calls(operation))
                {
                    foreach (var (parameter, value) in arguments)
                        if (IsScalar(parameter.Type) && Unheld(value) is { } why)
                            sites.Add(Site(node, model, why));
                    if (!SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, torchSharp)) continue;
                    if (!inside.TryGetValue(method, out var chain)) inside[method] = chain = Inside(method, torchTypes, il);
                    if (chain is not null)
                        sites.Add(Site(node, model, $"TorchSharp's {chain} makes a temporary Scalar inside"));
                }
            }
        }
        return sites;
    }

    /// <summary>The method (or user-defined operator) an operation calls, with its (parameter, argument) pairs.</summary>
    static IEnumerable<(IMethodSymbol Method, IEnumerable<(IParameterSymbol, IOperation)> Arguments)> Calls(IOperation operation)
    {
        static IEnumerable<(IParameterSymbol, IOperation)> Pairs(IEnumerable<IArgumentOperation> args) =>
            args.Where(a => a.Parameter is not null && a.ArgumentKind != ArgumentKind.DefaultValue).Select(a => (a.Parameter!, a.Value));
        switch (operation)
        {
            case IInvocationOperation call:
                yield return (call.TargetMethod, Pairs(call.Arguments));
                break;
            case IObjectCreationOperation { Constructor: { } ctor } create:
                yield return (ctor, Pairs(create.Arguments));
                break;
            case IPropertyReferenceOperation { Property.GetMethod: { } getter } indexer when indexer.Arguments.Length > 0:
                yield return (getter, Pairs(indexer.Arguments));
                break;
            case IBinaryOperation { OperatorMethod: { } op } binary:
                yield return (op, [(op.Parameters[0], binary.LeftOperand), (op.Parameters[1], binary.RightOperand)]);
                break;
            case ICompoundAssignmentOperation { OperatorMethod: { } op } compound:
                yield return (op, [(op.Parameters[0], compound.Target), (op.Parameters[1], compound.Value)]);
                break;
            case IUnaryOperation { OperatorMethod: { } op } unary:
                yield return (op, [(op.Parameters[0], unary.Operand)]);
                break;
        }
    }

    /// <summary>
    /// How a TorchSharp method makes a Scalar inside, or null. A method that returns its Scalar is a maker whose
    /// result the caller holds (checked at the call site); a virtual method also answers for its overrides in
    /// TorchSharp types derived from the one called through, which such a call may reach (OptimizerHelper.step →
    /// AdamW.step).
    /// </summary>
    static string? Inside(IMethodSymbol method, IReadOnlyList<INamedTypeSymbol> torchTypes, TorchSharpScalarMakers il)
    {
        if (IsScalar(method.ReturnType)) return null;
        if (il.MakesScalar(method) is { } chain) return chain;
        if (!(method.IsVirtual || method.IsAbstract || method.IsOverride)) return null;
        var root = method.OriginalDefinition;
        while (root.OverriddenMethod is { } up) root = up.OriginalDefinition;
        foreach (var type in torchTypes.Where(t => DerivesFrom(t, method.ContainingType)))
            foreach (var candidate in type.GetMembers(method.Name).OfType<IMethodSymbol>())
            {
                var up = candidate.OriginalDefinition;
                while (up.OverriddenMethod is { } next && !SymbolEqualityComparer.Default.Equals(up, root)) up = next.OriginalDefinition;
                if (!SymbolEqualityComparer.Default.Equals(up, root) || SymbolEqualityComparer.Default.Equals(candidate.OriginalDefinition, root)) continue;
                if (il.MakesScalar(candidate) is { } overridden) return $"{overridden}, an override of {method.ContainingType.Name}.{method.Name}";
            }
        return null;
    }

    static bool DerivesFrom(INamedTypeSymbol type, INamedTypeSymbol baseType)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
            if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, baseType.OriginalDefinition)) return true;
        return false;
    }

    static IEnumerable<INamedTypeSymbol> AllTypes(INamespaceOrTypeSymbol container)
    {
        foreach (var member in container.GetMembers())
            if (member is INamespaceOrTypeSymbol inner)
            {
                if (inner is INamedTypeSymbol type) yield return type;
                foreach (var nested in AllTypes(inner)) yield return nested;
            }
    }

    static bool IsScalar(ITypeSymbol? type) => type?.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) == "global::" + ScalarType;

    /// <summary>Null when <paramref name="value"/> is a held Scalar; else what makes it a temporary.</summary>
    static string? Unheld(IOperation value)
    {
        switch (value)
        {
            case IConversionOperation { OperatorMethod: { } op } conversion when IsScalar(op.ContainingType):
                return $"converts `{Collapse(conversion.Operand.Syntax.ToString())}` to a temporary Scalar";
            case IConversionOperation conversion:                       // identity / nullable / reference: look through
                return Unheld(conversion.Operand);
            case ILiteralOperation { ConstantValue: { HasValue: true, Value: null } }:
            case IDefaultValueOperation:
            case IFieldReferenceOperation:
            case IParameterReferenceOperation:
                return null;
            case IPropertyReferenceOperation { Property: var p }:
                return IsAutoProperty(p) ? null : $"property {p.Name} may make a new Scalar on each read";
            case ILocalReferenceOperation { Local: var local }:
                return IsUsingLocal(local) ? null : $"local `{local.Name}` is not a `using` local, so it may be collected during the call";
            case IConditionalOperation conditional:
                return Unheld(conditional.WhenTrue) ?? (conditional.WhenFalse is { } f ? Unheld(f) : null);
            case ICoalesceOperation coalesce:
                return Unheld(coalesce.Value) ?? Unheld(coalesce.WhenNull);
            default:
                return $"the Scalar made by `{Collapse(value.Syntax.ToString())}` is held by nothing";
        }
    }

    static bool IsAutoProperty(IPropertySymbol property) =>
        property.DeclaringSyntaxReferences.Length > 0 &&
        property.DeclaringSyntaxReferences.All(r => r.GetSyntax() is PropertyDeclarationSyntax { ExpressionBody: null, AccessorList: { } list }
                                                    && list.Accessors.All(a => a.Body is null && a.ExpressionBody is null));

    static bool IsUsingLocal(ILocalSymbol local) => local.DeclaringSyntaxReferences.Any(r =>
        r.GetSyntax().Parent is VariableDeclarationSyntax
        {
            Parent: LocalDeclarationStatementSyntax { UsingKeyword.RawKind: > 0 } or UsingStatementSyntax
        });

    static ScalarSite Site(SyntaxNode node, SemanticModel model, string reason)
    {
        var line = node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
        var member = model.GetEnclosingSymbol(node.SpanStart) is { } symbol
            ? $"{symbol.ContainingType?.Name}.{(symbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction } m ? m.ContainingSymbol.Name : symbol.Name)}"
            : "?";
        return new ScalarSite(node.SyntaxTree.FilePath, line, member, Collapse(node.ToString()), reason);
    }

    static string Collapse(string code)
    {
        var text = string.Join(' ', code.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        return text.Length <= 120 ? text : text[..117] + "...";
    }

    /// <summary>
    /// Which TorchSharp methods make a Scalar in their own IL (directly, or through a method of TorchSharp they
    /// call or whose delegate they create), answered once per method and cached.
    /// </summary>
    sealed class TorchSharpScalarMakers : IDisposable
    {
        readonly MetadataReader md;
        readonly PEReader pe;
        readonly Dictionary<MethodDefinitionHandle, string?> memo = [];
        static readonly Dictionary<short, OperandType> Operands = typeof(OpCodes).GetFields()
            .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value, o => o.OperandType);

        public TorchSharpScalarMakers(string path)
        {
            pe = new PEReader(File.OpenRead(path));
            md = pe.GetMetadataReader();
        }

        public void Dispose() => pe.Dispose();

        /// <summary>A call chain ending in the Scalar's creation, or null when the method makes none.</summary>
        public string? MakesScalar(IMethodSymbol method)
        {
            var definition = (method.ReducedFrom ?? method).OriginalDefinition;
            if (definition.MetadataToken == 0) return null;
            var handle = MetadataTokens.EntityHandle(definition.MetadataToken);
            return handle.Kind == HandleKind.MethodDefinition ? Walk((MethodDefinitionHandle)handle, 0) : null;
        }

        string? Walk(MethodDefinitionHandle handle, int depth)
        {
            if (memo.TryGetValue(handle, out var known)) return known;
            memo[handle] = null;                               // a cycle adds nothing
            string? found = null;
            var name = Name(handle);
            foreach (var target in Targets(handle))
            {
                if (target.Creates) { found = $"{name} ({target.Name})"; break; }
                if (target.Definition is { } inner && depth < 12 && Walk(inner, depth + 1) is { } chain) { found = $"{name} → {chain}"; break; }
            }
            memo[handle] = found;
            return found;
        }

        string Name(MethodDefinitionHandle handle)
        {
            var method = md.GetMethodDefinition(handle);
            var type = md.GetTypeDefinition(method.GetDeclaringType());
            return $"{md.GetString(type.Name)}.{md.GetString(method.Name)}";
        }

        /// <summary>Methods that a body calls or takes a delegate of (call, callvirt, newobj, ldftn, ldvirtftn).</summary>
        IEnumerable<(string Name, bool Creates, MethodDefinitionHandle? Definition)> Targets(MethodDefinitionHandle handle)
        {
            var method = md.GetMethodDefinition(handle);
            if (method.RelativeVirtualAddress == 0) yield break;       // abstract, extern (P/Invoke) or runtime-provided
            var il = pe.GetMethodBody(method.RelativeVirtualAddress).GetILBytes()!;
            for (var i = 0; i < il.Length;)
            {
                short code = il[i++];
                if (code == 0xFE) code = unchecked((short)(0xFE00 | il[i++]));
                var operand = Operands[code];
                if (operand == OperandType.InlineMethod)
                {
                    var token = BitConverter.ToInt32(il, i);
                    if (Describe(MetadataTokens.EntityHandle(token)) is { } t) yield return t;
                }
                i += operand switch
                {
                    OperandType.InlineNone => 0,
                    OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                    OperandType.InlineVar => 2,
                    OperandType.InlineI8 or OperandType.InlineR => 8,
                    OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                    _ => 4,
                };
            }
        }

        (string Name, bool Creates, MethodDefinitionHandle? Definition)? Describe(EntityHandle handle)
        {
            switch (handle.Kind)
            {
                case HandleKind.MethodSpecification:
                    return Describe(md.GetMethodSpecification((MethodSpecificationHandle)handle).Method);
                case HandleKind.MethodDefinition:
                {
                    var definition = (MethodDefinitionHandle)handle;
                    var method = md.GetMethodDefinition(definition);
                    var type = md.GetTypeDefinition(method.GetDeclaringType());
                    var typeName = $"{md.GetString(type.Namespace)}.{md.GetString(type.Name)}";
                    var name = md.GetString(method.Name);
                    return (Name(definition), Creates(typeName, name), definition);
                }
                case HandleKind.MemberReference:
                {
                    var member = md.GetMemberReference((MemberReferenceHandle)handle);
                    if (member.GetKind() != MemberReferenceKind.Method) return null;
                    var typeName = member.Parent.Kind switch
                    {
                        HandleKind.TypeReference => md.GetTypeReference((TypeReferenceHandle)member.Parent) is var r ? $"{md.GetString(r.Namespace)}.{md.GetString(r.Name)}" : "",
                        HandleKind.TypeDefinition => md.GetTypeDefinition((TypeDefinitionHandle)member.Parent) is var d ? $"{md.GetString(d.Namespace)}.{md.GetString(d.Name)}" : "",
                        _ => "",
                    };
                    var name = md.GetString(member.Name);
                    return ($"{typeName}.{name}", Creates(typeName, name), null);
                }
                default:
                    return null;
            }
        }

        static bool Creates(string type, string method) =>
            (type == ScalarType && method is "op_Implicit" or ".ctor") ||
            (type == "TorchSharp.ScalarExtensionMethods" && method == "ToScalar");
    }
}
