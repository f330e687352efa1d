using Nabla.Core;

namespace Nabla;

public sealed partial class Tensor
{
    /// <summary>
    /// torch.einsum: multiplies the operands and sums over the labels missing from the output, e.g. "ij,jk->ik" is a
    /// matrix product, "ii" a trace, "...ij->...ji" a batched transpose. Labels are letters; "..." stands for
    /// broadcast dims. Without "->" the output is "..." followed by the labels used once, in ASCII order. A label
    /// repeated inside one operand takes its diagonal; a shared label of size 1 broadcasts. Built from
    /// differentiable ops (diagonal, permute, sum, bmm), so autograd supplies the gradient.
    /// </summary>
    public static Tensor Einsum(string equation, params Tensor[] operands)
    {
        ArgumentNullException.ThrowIfNull(equation);
        ArgumentNullException.ThrowIfNull(operands);
        Errors.NoNullTensors(operands, nameof(operands));
        Errors.Check(operands.Length > 0, "einsum(): must provide at least one operand");
        var plan = new EinsumPlan(equation, operands);
        var aligned = operands.Select(plan.Align).ToArray();
        return plan.Contract(aligned);
    }

    /// <summary>
    /// The steps of ATen's einsum. Every label (and each dim under "...") gets a position in one common dim order:
    /// output dims first, then the contracted ones. Each operand is aligned to that order (size 1 where it lacks a
    /// label), then the operands are multiplied pairwise from the left, summing a contracted dim as soon as no
    /// later operand has it.
    /// </summary>
    private sealed class EinsumPlan
    {
        private const int Letters = 26;
        private const int LabelCount = 2 * Letters;
        private const int Ellipsis = LabelCount; // the code of "..." among the labels of an operand

        private readonly List<int>[] _labels;              // per operand: label codes (A-Z → 0-25, a-z → 26-51) or Ellipsis
        private readonly int[] _uses = new int[LabelCount]; // how often each label occurs across the inputs
        private readonly int[] _position = Enumerable.Repeat(-1, LabelCount).ToArray();
        private readonly int _ellipsisDims;                 // the most dims any "..." covers
        private int _ellipsisStart;
        private int _nextPosition;                          // positions are handed out in order while planning
        private readonly int _outDims;
        private readonly int _totalDims;

        // Filled while aligning: the size seen for each label and "..." dim, and per position how many
        // operands have a size other than 1 there (those still to be multiplied before it can be summed).
        private readonly int[] _labelSize = Enumerable.Repeat(1, LabelCount).ToArray();
        private readonly int[] _ellipsisSizes;
        private readonly int[] _holders;

        public EinsumPlan(string equation, Tensor[] operands)
        {
            ArgumentNullException.ThrowIfNull(equation);
            ArgumentNullException.ThrowIfNull(operands);
            int arrow = equation.IndexOf("->", StringComparison.Ordinal);
            string lhs = arrow < 0 ? equation : equation[..arrow];
            _labels = ParseInputs(lhs, operands.Length);
            _ellipsisDims = CountLabels(operands);
            bool ellipsisInOutput = arrow < 0 ? PlaceImplicitOutput() : PlaceExplicitOutput(equation[(arrow + 2)..], lhs.Length + 2);
            _outDims = _nextPosition;
            if (!ellipsisInOutput) PlaceEllipsis();
            for (int label = 0; label < LabelCount; label++)
                if (_uses[label] > 0 && _position[label] == -1) _position[label] = _nextPosition++;
            _totalDims = _nextPosition;
            _ellipsisSizes = Enumerable.Repeat(1, _ellipsisDims).ToArray();
            _holders = new int[_totalDims];
        }

        private static List<int>[] ParseInputs(string lhs, int count)
        {
            var labels = Enumerable.Range(0, count).Select(_ => new List<int>()).ToArray();
            int op = 0;
            bool sawEllipsis = false;
            for (int i = 0; i < lhs.Length; i++)
            {
                switch (lhs[i])
                {
                    case ' ':
                        break;
                    case '.':
                        Errors.Check(!sawEllipsis, $"einsum(): found '.' for operand {op} for which an ellipsis was already found");
                        Errors.Check(SkipEllipsis(lhs, ref i), $"einsum(): found '.' for operand {op} that is not part of any ellipsis");
                        labels[op].Add(Ellipsis);
                        sawEllipsis = true;
                        break;
                    case ',':
                        Errors.Check(++op < count, "einsum(): fewer operands were provided than specified in the equation");
                        sawEllipsis = false;
                        break;
                    default:
                        labels[op].Add(Code(lhs[i], i));
                        break;
                }
            }
            Errors.Check(op == count - 1, "einsum(): more operands were provided than specified in the equation");
            return labels;
        }

        /// <summary>Counts label uses and checks each operand's rank; returns how many dims "..." must cover.</summary>
        private int CountLabels(Tensor[] operands)
        {
            int ellipsisDims = 0;
            for (int i = 0; i < operands.Length; i++)
            {
                int named = _labels[i].Count(l => l != Ellipsis), rank = operands[i].Dim;
                bool hasEllipsis = _labels[i].Contains(Ellipsis);
                foreach (var label in _labels[i].Where(l => l != Ellipsis)) _uses[label]++;
                if (hasEllipsis)
                {
                    ellipsisDims = Math.Max(ellipsisDims, rank - named);
                    Errors.Check(named <= rank, $"einsum(): the number of subscripts in the equation ({named}) is more than the number of dimensions ({rank}) for operand {i}");
                }
                else
                    Errors.Check(named == rank, $"einsum(): the number of subscripts in the equation ({named}) does not match the number of dimensions ({rank}) for operand {i} and no ellipsis was given");
            }
            return ellipsisDims;
        }

        /// <summary>"..." first, then every label used exactly once, in code (ASCII) order.</summary>
        private bool PlaceImplicitOutput()
        {
            PlaceEllipsis();
            for (int label = 0; label < LabelCount; label++)
                if (_uses[label] == 1) _position[label] = _nextPosition++;
            return true;
        }

        /// <summary>Places the output labels in the order written; <paramref name="at"/> is where rhs starts in the equation.</summary>
        private bool PlaceExplicitOutput(string rhs, int at)
        {
            bool sawEllipsis = false;
            for (int i = 0; i < rhs.Length; i++)
            {
                switch (rhs[i])
                {
                    case ' ':
                        break;
                    case '.':
                        Errors.Check(!sawEllipsis, "einsum(): found '.' for output but an ellipsis (...) was already found");
                        Errors.Check(SkipEllipsis(rhs, ref i), "einsum(): found '.' for output that is not part of any ellipsis (...)");
                        PlaceEllipsis();
                        sawEllipsis = true;
                        break;
                    default:
                        int label = Code(rhs[i], at + i);
                        Errors.Check(_position[label] == -1, $"einsum(): output subscript {rhs[i]} appears more than once in the output");
                        Errors.Check(_uses[label] > 0, $"einsum(): output subscript {rhs[i]} does not appear in the equation for any input operand");
                        _position[label] = _nextPosition++;
                        break;
                }
            }
            return sawEllipsis;
        }

        private void PlaceEllipsis()
        {
            _ellipsisStart = _nextPosition;
            _nextPosition += _ellipsisDims;
        }

        /// <summary>
        /// Checks the operand's sizes against those seen so far, takes diagonals for repeated labels, adds size-1
        /// dims for absent labels and permutes the operand into the common dim order.
        /// </summary>
        public Tensor Align(Tensor operand, int index)
        {
            ArgumentNullException.ThrowIfNull(operand);
            var labels = _labels[index];
            var source = Enumerable.Repeat(-1, _totalDims).ToArray(); // position → dim of op
            var op = operand;
            int dim = 0;
            foreach (var label in labels)
            {
                if (label == Ellipsis)
                {
                    // "..." covers the operand's trailing share of the broadcast dims, as in broadcasting.
                    int covered = operand.Dim - (labels.Count - 1);
                    for (int j = _ellipsisDims - covered; j < _ellipsisDims; j++)
                    {
                        NoteEllipsisSize(j, op.Size(dim), dim, index);
                        source[_ellipsisStart + j] = dim++;
                    }
                }
                else if (source[_position[label]] == -1)
                {
                    NoteLabelSize(label, op.Size(dim), index);
                    source[_position[label]] = dim++;
                }
                else
                {
                    int first = source[_position[label]];
                    Errors.Check(op.Size(dim) == op.Size(first),
                        $"einsum(): subscript {Letter(label)} is repeated for operand {index} but the sizes don't match, {op.Size(dim)} != {op.Size(first)}");
                    op = MoveLastDim(op.Diagonal(0, first, dim), first);
                }
            }
            for (int p = 0; p < _totalDims; p++)
                if (source[p] == -1)
                {
                    op = op.Unsqueeze(dim);
                    source[p] = dim++;
                }
            return op.Permute(source);
        }

        private void NoteLabelSize(int label, int size, int operand)
        {
            if (size == 1) return;
            Errors.Check(_labelSize[label] == 1 || _labelSize[label] == size,
                $"einsum(): subscript {Letter(label)} has size {size} for operand {operand} which does not broadcast with previously seen size {_labelSize[label]}");
            _labelSize[label] = size;
            _holders[_position[label]]++;
        }

        private void NoteEllipsisSize(int j, int size, int dim, int operand)
        {
            if (size == 1) return;
            // PyTorch's message lacks the space before "has".
            Errors.Check(_ellipsisSizes[j] == 1 || _ellipsisSizes[j] == size,
                $"einsum(): dimension {dim} covered by ellipsis in operand {operand}has size {size} which does not broadcast with previously seen ellipsis with size {_ellipsisSizes[j]} for the respective dimension");
            _ellipsisSizes[j] = size;
            _holders[_ellipsisStart + j]++;
        }

        /// <summary>Multiplies the aligned operands from the left, then drops (or, for one operand, sums) the contracted dims.</summary>
        public Tensor Contract(Tensor[] aligned)
        {
            ArgumentNullException.ThrowIfNull(aligned);
            var result = aligned[0];
            for (int k = 1; k < aligned.Length; k++) result = ContractPair(result, aligned[k]);
            if (_totalDims == _outDims) return result;
            if (aligned.Length == 1) return result.Sum(Enumerable.Range(_outDims, _totalDims - _outDims).ToArray());
            // Every contracted dim was summed during the products and has size 1 now.
            return result.View(result.Shape[.._outDims]);
        }

        /// <summary>
        /// One product. A contracted dim is summed now when no later operand holds it: inside the product when both
        /// hold it, in the one operand beforehand when only that one does.
        /// </summary>
        private Tensor ContractPair(Tensor a, Tensor b)
        {
            var sumDims = new List<int>();
            var aOnly = new List<int>();
            var bOnly = new List<int>();
            for (int p = _outDims; p < _totalDims; p++)
            {
                bool inA = a.Size(p) != 1, inB = b.Size(p) != 1;
                if (inA && inB)
                {
                    if (--_holders[p] == 1) { sumDims.Add(p); _holders[p] = 0; }
                }
                else if (_holders[p] == 1 && (inA || inB))
                {
                    (inA ? aOnly : bOnly).Add(p);
                    _holders[p] = 0;
                }
            }
            if (aOnly.Count > 0) a = a.Sum([.. aOnly], keepdim: true);
            if (bOnly.Count > 0) b = b.Sum([.. bOnly], keepdim: true);
            return SumProduct(a, b, sumDims);
        }

        /// <summary>
        /// (left * right).Sum(sumDims, keepdim: true) as one bmm: dims both operands hold are the batch, dims of
        /// one operand its rows or columns, and the summed dims the inner dim.
        /// </summary>
        private static Tensor SumProduct(Tensor left, Tensor right, List<int> sumDims)
        {
            if (sumDims.Count == 0) return left * right;
            List<int> both = [], leftOnly = [], rightOnly = [];
            int sumSize = 1;
            for (int d = 0; d < left.Dim; d++)
            {
                bool inLeft = left.Size(d) != 1, inRight = right.Size(d) != 1;
                if (sumDims.Contains(d))
                {
                    if (inLeft && inRight) sumSize *= left.Size(d);
                    else if (inLeft) left = left.Sum([d], keepdim: true);
                    else if (inRight) right = right.Sum([d], keepdim: true);
                }
                else if (inLeft && inRight) both.Add(d);
                else if (inLeft) leftOnly.Add(d);
                else rightOnly.Add(d);
            }
            int SizeOf(Tensor t, List<int> dims) => dims.Aggregate(1, (n, d) => n * t.Size(d));
            int[] leftOrder = [.. both, .. leftOnly, .. sumDims, .. rightOnly];
            int[] rightOrder = [.. both, .. sumDims, .. rightOnly, .. leftOnly];
            var product = left.Permute(leftOrder).Reshape(SizeOf(left, both), SizeOf(left, leftOnly), sumSize)
                .Bmm(right.Permute(rightOrder).Reshape(SizeOf(right, both), sumSize, SizeOf(right, rightOnly)));
            // The product's dims come out in leftOrder (the summed ones as size 1); put them back in place.
            int[] outSizes = [.. both.Select(left.Size), .. leftOnly.Select(left.Size), .. sumDims.Select(_ => 1), .. rightOnly.Select(right.Size)];
            return product.View(outSizes).Permute(InversePermutation(leftOrder));
        }

        /// <summary>Moves the diagonal that Diagonal appends back to where its first label was (movedim(-1, at)).</summary>
        private static Tensor MoveLastDim(Tensor t, int at)
        {
            int last = t.Dim - 1;
            int[] order = [.. Enumerable.Range(0, at), last, .. Enumerable.Range(at, last - at)];
            return t.Permute(order);
        }

        /// <summary>Advances <paramref name="i"/> past "..." starting at it; false when the dots are not three.</summary>
        private static bool SkipEllipsis(string s, ref int i)
        {
            if (i + 2 >= s.Length || s[i + 1] != '.' || s[i + 2] != '.') return false;
            i += 2;
            return true;
        }

        private static int Code(char c, int at)
        {
            Errors.Check(char.IsAsciiLetter(c), $"einsum(): invalid subscript given at index {at} in the equation string, subscripts must be in [a-zA-Z]");
            return char.IsAsciiLetterUpper(c) ? c - 'A' : c - 'a' + Letters;
        }

        private static char Letter(int code) => (char)(code < Letters ? 'A' + code : 'a' + code - Letters);
    }
}
