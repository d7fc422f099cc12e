//===- OnnxEinsum.cpp - Einsum as transposes, reductions and matmuls ------===//
//
// The equation is parsed into one label list per operand ("..." becomes
// right-aligned ellipsis labels shared by all operands). Each operand first
// takes its diagonals (repeated labels) and sums out the labels nobody else
// needs; operands then combine left to right as batched matmuls (shared
// labels still needed are batch dims, the others contract), and the result
// is transposed into the output order.
//
//===----------------------------------------------------------------------===//
#include "lib/Import/OnnxImporter.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace coreai;
using namespace coreai::onnx_import;

namespace {

/// Labels are letters; the ellipsis dims are kEllipsis + position.
constexpr int kEllipsis = 1000;

struct Term {
  SmallVector<int> labels;
  Value value;
};

/// Parses one side of the equation ("ab...c") for an operand of `rank`
/// dims (-1 for the output, which takes `ellipsisDims` ellipsis dims).
FailureOr<SmallVector<int>> parseTerm(GraphImporter &g, StringRef s,
                                      int64_t rank, int64_t ellipsisDims,
                                      int64_t &ownEllipsis) {
  SmallVector<int> letters;
  int64_t ellipsisAt = -1;
  for (size_t i = 0; i < s.size();) {
    if (s.substr(i).starts_with("...")) {
      if (ellipsisAt >= 0)
        return g.error() << "equation term '" << s
                         << "' has more than one ellipsis";
      ellipsisAt = letters.size();
      i += 3;
      continue;
    }
    char c = s[i];
    if (!llvm::isAlpha(c))
      return g.error() << "unexpected character '" << c << "' in the equation";
    letters.push_back(c);
    ++i;
  }
  ownEllipsis = 0;
  if (rank >= 0) {
    if (ellipsisAt < 0 && (int64_t)letters.size() != rank)
      return g.error() << "equation term '" << s << "' has " << letters.size()
                       << " labels for an operand of rank " << rank;
    if (ellipsisAt >= 0 && (int64_t)letters.size() > rank)
      return g.error() << "equation term '" << s
                       << "' has more labels than its operand's rank " << rank;
    if (ellipsisAt >= 0)
      ownEllipsis = rank - letters.size();
  } else if (ellipsisAt >= 0) {
    ownEllipsis = ellipsisDims;
  }
  SmallVector<int> labels(letters.begin(), letters.end());
  if (ellipsisAt >= 0) {
    SmallVector<int> dots;
    for (int64_t j = 0; j < ownEllipsis; ++j)
      dots.push_back(kEllipsis + (ellipsisDims - ownEllipsis) + j);
    labels.insert(labels.begin() + ellipsisAt, dots.begin(), dots.end());
  }
  return labels;
}

class EinsumBuilder {
public:
  EinsumBuilder(GraphImporter &g, Emitter &e) : g(g), e(e) {}

  DenseMap<int, int64_t> sizes;

  int64_t size(int label) const { return sizes.lookup(label); }

  Value reduceSum(Value v, ArrayRef<int64_t> axes) {
    if (axes.empty())
      return v;
    return e.make<aigraph::ReduceSumOp>(v, g.builder.getDenseI64ArrayAttr(axes),
                                        g.builder.getBoolAttr(false));
  }

  /// Replaces each repeated label by its diagonal.
  void takeDiagonals(Term &t) {
    for (size_t p = 0; p < t.labels.size() && e.ok; ++p)
      for (size_t q = p + 1; q < t.labels.size() && e.ok;) {
        if (t.labels[q] != t.labels[p]) {
          ++q;
          continue;
        }
        auto type = typeOf(t.value);
        int64_t n = type.getDimSize(p);
        SmallVector<int64_t> shape(type.getRank(), 1);
        shape[p] = shape[q] = n;
        SmallVector<bool> eye;
        for (int64_t i = 0; i < n; ++i)
          for (int64_t j = 0; j < n; ++j)
            eye.push_back(i == j);
        Value mask = g.constant(DenseElementsAttr::get(
            RankedTensorType::get(shape, g.builder.getI1Type()),
            ArrayRef<bool>(eye)));
        Value masked = e.make<aigraph::WhereOp>(mask, t.value,
                                                e.zero(type.getElementType()));
        t.value = reduceSum(masked, {(int64_t)q});
        t.labels.erase(t.labels.begin() + q);
      }
  }

  /// Sums out the labels of `t` that are not in `keep`.
  void sumOut(Term &t, const llvm::SmallDenseSet<int> &keep) {
    SmallVector<int64_t> axes;
    SmallVector<int> rest;
    for (auto [i, l] : llvm::enumerate(t.labels)) {
      if (keep.contains(l))
        rest.push_back(l);
      else
        axes.push_back(i);
    }
    t.value = reduceSum(t.value, axes);
    t.labels = rest;
  }

  /// Transposes `t` so that its labels read `order`.
  Value permuted(const Term &t, ArrayRef<int> order) {
    SmallVector<int64_t> perm;
    bool identity = true;
    for (int l : order) {
      int64_t at = llvm::find(t.labels, l) - t.labels.begin();
      identity &= at == (int64_t)perm.size();
      perm.push_back(at);
    }
    return identity ? t.value : e.transpose(t.value, perm);
  }

  int64_t product(ArrayRef<int> labels) const {
    int64_t p = 1;
    for (int l : labels)
      p *= size(l);
    return p;
  }

  /// Combines two operands whose labels are all needed (by each other, a
  /// later operand or the output): shared labels in `needed` stay as batch
  /// dims, the other shared labels contract.
  Term combine(const Term &a, const Term &b,
               const llvm::SmallDenseSet<int> &needed) {
    SmallVector<int> batch, contract, aOnly, bOnly;
    for (int l : a.labels) {
      if (!llvm::is_contained(b.labels, l))
        aOnly.push_back(l);
      else if (needed.contains(l))
        batch.push_back(l);
      else
        contract.push_back(l);
    }
    for (int l : b.labels)
      if (!llvm::is_contained(a.labels, l))
        bOnly.push_back(l);
    int64_t nb = product(batch), m = product(aOnly), k = product(contract),
            n = product(bOnly);
    Type et = typeOf(a.value).getElementType();
    SmallVector<int> aOrder(batch), bOrder(batch);
    aOrder.append(aOnly), aOrder.append(contract);
    Value out;
    if (isa<FloatType>(et)) {
      bOrder.append(contract), bOrder.append(bOnly);
      Value l = e.reshape(permuted(a, aOrder), {nb, m, k});
      Value r = e.reshape(permuted(b, bOrder), {nb, k, n});
      out = e.make<aigraph::MatMulOp>(l, r);
    } else {
      // Integers: broadcast multiply and sum over the contracted dim.
      bOrder.append(bOnly), bOrder.append(contract);
      Value l = e.reshape(permuted(a, aOrder), {nb, m, 1, k});
      Value r = e.reshape(permuted(b, bOrder), {nb, 1, n, k});
      out = reduceSum(e.make<aigraph::MulOp>(l, r), {3});
    }
    Term t;
    t.labels = batch;
    t.labels.append(aOnly), t.labels.append(bOnly);
    SmallVector<int64_t> shape;
    for (int l : t.labels)
      shape.push_back(size(l));
    t.value = e.reshape(out, shape);
    return t;
  }

private:
  GraphImporter &g;
  Emitter &e;
};

} // namespace

static LogicalResult importEinsumOp(GraphImporter &g) {
  if (!g.attr("equation"))
    return g.error() << "needs an equation attribute";
  std::string eq;
  for (char c : g.stringAttr("equation", ""))
    if (!llvm::isSpace(c))
      eq.push_back(c);
  StringRef lhs = eq, rhs;
  bool explicitOutput = false;
  if (size_t arrow = lhs.find("->"); arrow != StringRef::npos) {
    rhs = lhs.substr(arrow + 2);
    lhs = lhs.substr(0, arrow);
    explicitOutput = true;
  }
  SmallVector<StringRef> termStrs;
  lhs.split(termStrs, ',');
  int numInputs = g.node->input_size();
  if ((int)termStrs.size() != numInputs)
    return g.error() << "the equation has " << termStrs.size()
                     << " operand terms for " << numInputs << " inputs";
  if (failed(requireInputs(g, numInputs)))
    return failure();

  // Ellipsis dims are right-aligned across operands: count them first.
  int64_t ellipsisDims = 0;
  for (auto [i, s] : llvm::enumerate(termStrs)) {
    int64_t letters = 0;
    for (char c : s)
      letters += llvm::isAlpha(c);
    if (s.contains("..."))
      ellipsisDims = std::max<int64_t>(ellipsisDims,
                                       typeOf(g.input(i)).getRank() - letters);
  }

  Emitter e{g};
  EinsumBuilder eb(g, e);
  SmallVector<Term> terms;
  Type et;
  for (auto [i, s] : llvm::enumerate(termStrs)) {
    Value v = g.input(i);
    auto type = typeOf(v);
    if (!type.hasStaticShape())
      return g.error() << "needs static operand shapes";
    if (i == 0)
      et = type.getElementType();
    else if (type.getElementType() != et)
      return g.error() << "operands have different element types";
    int64_t own;
    auto labels = parseTerm(g, s, type.getRank(), ellipsisDims, own);
    if (failed(labels))
      return failure();
    for (auto [l, d] : llvm::zip(*labels, type.getShape())) {
      auto [it, inserted] = eb.sizes.try_emplace(l, d);
      if (!inserted && it->second != d)
        return g.error() << "dimension sizes " << it->second << " and " << d
                         << " of one label differ; broadcasting in Einsum "
                            "is not supported";
    }
    terms.push_back({*labels, v});
  }

  SmallVector<int> outLabels;
  if (explicitOutput) {
    int64_t own;
    auto labels = parseTerm(g, rhs, -1, ellipsisDims, own);
    if (failed(labels))
      return failure();
    outLabels = *labels;
    for (int l : outLabels) {
      if (!eb.sizes.count(l))
        return g.error() << "output label '" << (char)l
                         << "' is not in any operand";
      if (llvm::count(outLabels, l) != 1)
        return g.error() << "output label '" << (char)l << "' repeats";
    }
  } else {
    // Implicit output: the ellipsis dims, then the labels seen once, in
    // alphabetical order.
    for (int64_t j = 0; j < ellipsisDims; ++j)
      outLabels.push_back(kEllipsis + j);
    SmallVector<int> once;
    for (const Term &t : terms)
      for (int l : t.labels) {
        if (l >= kEllipsis)
          continue;
        int64_t count = 0;
        for (const Term &u : terms)
          count += llvm::count(u.labels, l);
        if (count == 1)
          once.push_back(l);
      }
    llvm::sort(once);
    outLabels.append(once);
  }

  // Labels needed by the output or by operands from `from` on.
  auto neededFrom = [&](size_t from) {
    llvm::SmallDenseSet<int> s(outLabels.begin(), outLabels.end());
    for (size_t j = from; j < terms.size(); ++j)
      s.insert(terms[j].labels.begin(), terms[j].labels.end());
    return s;
  };
  for (size_t i = 0; i < terms.size(); ++i) {
    eb.takeDiagonals(terms[i]);
    llvm::SmallDenseSet<int> keep(outLabels.begin(), outLabels.end());
    for (size_t j = 0; j < terms.size(); ++j)
      if (j != i)
        keep.insert(terms[j].labels.begin(), terms[j].labels.end());
    eb.sumOut(terms[i], keep);
  }
  Term acc = terms[0];
  for (size_t i = 1; i < terms.size() && e.ok; ++i) {
    llvm::SmallDenseSet<int> later = neededFrom(i + 1);
    // Sum out what neither the other operand nor anything later needs.
    llvm::SmallDenseSet<int> keepA(later), keepB(later);
    keepA.insert(terms[i].labels.begin(), terms[i].labels.end());
    keepB.insert(acc.labels.begin(), acc.labels.end());
    eb.sumOut(acc, keepA);
    eb.sumOut(terms[i], keepB);
    acc = eb.combine(acc, terms[i], later);
  }
  eb.sumOut(acc, llvm::SmallDenseSet<int>(outLabels.begin(), outLabels.end()));
  if (!e.ok)
    return failure();
  Value y = eb.permuted(acc, outLabels);
  if (y == g.input(0))
    y = e.make<aigraph::IdentityOp>(y);
  return e.bind(0, y);
}

void coreai::onnx_import::populateEinsumImporters(OpImporterTable &table) {
  table["Einsum"] = {importEinsumOp};
}
