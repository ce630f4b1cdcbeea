// BTreeMap: an ordered map as a B+tree with wide nodes, for the model's VMA tree.
//
// Why it exists: the kernel replaced the VMA red-black tree with the maple tree (a wide B-tree) because a
// lookup in a binary tree of tens of thousands of VMAs is a chain of dependent cache misses, one per level.
// The model had the same problem: with std::map, find_vma at uniformly random addresses cost 2.9x as much
// at 65530 VMAs as at 1000 (17 levels of 48-byte nodes scattered over the heap, no longer in L2). Here the
// keys of a node sit next to each other (a node is a few cache lines, counted through without a branch
// per key, so its lines are fetched in parallel), a lookup among 65530 keys visits four nodes instead of
// seventeen, and the inner levels (under 100 KB) stay in cache. Leaves are linked, so iteration and the
// model's walk hint stay O(1) per step.
//
// Interface: the subset of std::map the model uses: begin/end, bidirectional iterators (including
// --end()), lower_bound/upper_bound/find, emplace/insert/emplace_hint with move-only values, erase of an
// iterator (returning the successor), size/empty/clear, and rekey() in place of extract + node.key().
// Dereferencing an iterator gives a proxy with `first` (const K&) and `second` (V&), so `it->first`,
// `it->second` and `for (const auto& [key, value] : map)` read as they do with std::map.
//
// Iterator stability (differs from std::map): every insertion, erase, rekey() and clear() invalidates
// every iterator into the map except end(). The mutating calls return a valid iterator to the element
// inserted, the successor of the element erased, or the element re-keyed. Pointers held *by* the values
// (the VMAs behind unique_ptr values) never move; only the slots holding them do.
//
// Requirements: K and V default-constructible and nothrow move-assignable (every slot of a leaf holds a
// V; unused slots hold a default-constructed one). Nodes come from the model's free lists.
#pragma once

#include <cassert>
#include <cstddef>
#include <functional>
#include <iterator>
#include <new>
#include <type_traits>
#include <utility>

#include "vmaprep/model/FreeList.h"

namespace vmaprep::model {

template <class K, class V, class Compare = std::less<K>, int LeafCap = 32, int InnerCap = 32>
class BTreeMap {
  static_assert(LeafCap >= 4 && InnerCap >= 4, "nodes must hold at least four keys");
  static_assert(std::is_nothrow_move_assignable_v<V>, "values are shifted by move assignment");

  struct Node {
    int count = 0;  // keys held (a leaf: entries; an inner node: separators, count + 1 children)
    bool leaf;
    explicit Node(bool is_leaf) : leaf(is_leaf) {}
  };
  struct Leaf : Node {
    Leaf() : Node(true) {}
    K keys[LeafCap];
    Leaf* prev = nullptr;
    Leaf* next = nullptr;
    V vals[LeafCap];
  };
  // Separators: every key under child[i] is < keys[i] <= every key under child[i + 1]. Erasing keeps
  // them valid (sets only shrink), so they are not rewritten when a leaf's first key goes away.
  struct Inner : Node {
    Inner() : Node(false) {}
    K keys[InnerCap];
    Node* child[InnerCap + 1];
  };
  static constexpr int kLeafMin = LeafCap / 4;    // a leaf below this borrows from or merges with a sibling
  static constexpr int kInnerMin = InnerCap / 4;  // the same for inner nodes (the root is exempt)
  static constexpr int kMaxDepth = 32;

 public:
  using key_type = K;
  using mapped_type = V;
  using size_type = std::size_t;

  template <bool Const>
  struct Ref {
    const K& first;
    std::conditional_t<Const, const V&, V&> second;
  };
  template <bool Const>
  class Iter {
   public:
    using iterator_category = std::bidirectional_iterator_tag;
    using value_type = std::pair<const K, V>;
    using difference_type = std::ptrdiff_t;
    using reference = Ref<Const>;
    struct pointer {
      reference ref;
      const reference* operator->() const { return &ref; }
    };

    Iter() = default;
    template <bool C = Const, class = std::enable_if_t<C>>
    Iter(const Iter<false>& other) : tree_(other.tree_), leaf_(other.leaf_), idx_(other.idx_) {}

    reference operator*() const { return reference{leaf_->keys[idx_], leaf_->vals[idx_]}; }
    pointer operator->() const { return pointer{**this}; }
    Iter& operator++() {
      if (++idx_ == leaf_->count) {
        leaf_ = leaf_->next;
        idx_ = 0;
      }
      return *this;
    }
    Iter& operator--() {
      if (!leaf_) {
        leaf_ = tree_->last_;
        idx_ = leaf_->count - 1;
      } else if (idx_ == 0) {
        leaf_ = leaf_->prev;
        idx_ = leaf_->count - 1;
      } else {
        --idx_;
      }
      return *this;
    }
    Iter operator++(int) {
      Iter old = *this;
      ++*this;
      return old;
    }
    Iter operator--(int) {
      Iter old = *this;
      --*this;
      return old;
    }
    friend bool operator==(const Iter& a, const Iter& b) { return a.leaf_ == b.leaf_ && a.idx_ == b.idx_; }
    friend bool operator!=(const Iter& a, const Iter& b) { return !(a == b); }

   private:
    using TreePtr = std::conditional_t<Const, const BTreeMap*, BTreeMap*>;
    Iter(TreePtr tree, Leaf* leaf, int idx) : tree_(tree), leaf_(leaf), idx_(idx) {}
    TreePtr tree_ = nullptr;
    Leaf* leaf_ = nullptr;  // null for end()
    int idx_ = 0;
    friend class BTreeMap;
    friend class Iter<!Const>;
  };
  using iterator = Iter<false>;
  using const_iterator = Iter<true>;

  BTreeMap() = default;
  ~BTreeMap() { clear(); }
  BTreeMap(const BTreeMap&) = delete;  // iterators carry the map's address: neither copied nor moved
  BTreeMap& operator=(const BTreeMap&) = delete;

  size_type size() const { return size_; }
  bool empty() const { return size_ == 0; }

  iterator begin() { return size_ ? iterator(this, first_, 0) : end(); }
  const_iterator begin() const { return size_ ? const_iterator(this, first_, 0) : end(); }
  iterator end() { return iterator(this, nullptr, 0); }
  const_iterator end() const { return const_iterator(this, nullptr, 0); }

  iterator lower_bound(const K& key) { return descend_to<false>(key); }
  const_iterator lower_bound(const K& key) const {
    return const_cast<BTreeMap*>(this)->template descend_to<false>(key);
  }
  iterator upper_bound(const K& key) { return descend_to<true>(key); }
  const_iterator upper_bound(const K& key) const { return const_cast<BTreeMap*>(this)->template descend_to<true>(key); }
  iterator find(const K& key) {
    iterator it = lower_bound(key);
    return it != end() && !comp_(key, it->first) ? it : end();
  }
  const_iterator find(const K& key) const { return const_cast<BTreeMap*>(this)->find(key); }

  std::pair<iterator, bool> emplace(const K& key, V&& value) { return insert_descending(key, std::move(value)); }
  std::pair<iterator, bool> insert(std::pair<K, V>&& kv) { return insert_descending(kv.first, std::move(kv.second)); }
  // The hint is the element that will follow the new one (as for std::map). When it is right and the
  // new element lands inside a leaf that has room (not at its front, unless it is the first leaf), the
  // insertion is O(LeafCap) without a descent; otherwise it descends from the root.
  iterator emplace_hint(const_iterator hint, const K& key, V&& value) {
    Leaf* leaf = hint.leaf_;
    int pos = hint.idx_;
    if (!leaf && last_) {  // before end(): append to the last leaf
      leaf = last_;
      pos = leaf->count;
    }
    if (leaf && leaf->count < LeafCap && (pos > 0 || !leaf->prev)) {
      const bool after_prev = pos == 0 ? !leaf->prev : comp_(leaf->keys[pos - 1], key);
      const bool before_hint = pos == leaf->count ? !leaf->next : comp_(key, leaf->keys[pos]);
      if (after_prev && before_hint) {
        insert_in_leaf(leaf, pos, key, std::move(value));
        ++size_;
        return iterator(this, leaf, pos);
      }
    }
    return insert_descending(key, std::move(value)).first;
  }

  // Erases the element and returns an iterator to its successor (end() if it was the last).
  iterator erase(const_iterator pos) {
    Leaf* leaf = pos.leaf_;
    const int idx = pos.idx_;
    assert(leaf && idx < leaf->count);
    if (leaf == root_ || leaf->count > kLeafMin) {  // no underflow: no descent needed
      remove_from_leaf(leaf, idx);
      --size_;
      if (size_ == 0) {
        free_leaf(leaf);
        root_ = nullptr;
        first_ = last_ = nullptr;
        return end();
      }
      if (idx < leaf->count) return iterator(this, leaf, idx);
      return iterator(this, leaf->next, 0);
    }
    // The leaf underflows: find its path, erase, rebalance, and find the successor again by key.
    const K key = leaf->keys[idx];
    Path path;
    Leaf* found = descend_path(key, path);
    (void)found;
    assert(found == leaf);
    bool has_next = true;
    K next_key{};
    if (idx + 1 < leaf->count)
      next_key = leaf->keys[idx + 1];
    else if (leaf->next)
      next_key = leaf->next->keys[0];
    else
      has_next = false;
    remove_from_leaf(leaf, idx);
    --size_;
    rebalance_leaf(leaf, path);
    return has_next ? lower_bound(next_key) : end();
  }

  // Changes the key of the element at pos to key, which must keep the element between its neighbours
  // (as re-keying a VMA whose vm_start moves inside the gap to its neighbours does). In place when the
  // element is neither the first nor the last of its leaf (separators stay valid); otherwise the element
  // is erased and inserted again. Returns the element's iterator.
  iterator rekey(const_iterator pos, const K& key) {
    Leaf* leaf = pos.leaf_;
    const int idx = pos.idx_;
    assert(leaf && idx < leaf->count);
    assert(idx == 0 ? (!leaf->prev || comp_(leaf->prev->keys[leaf->prev->count - 1], key))
                    : comp_(leaf->keys[idx - 1], key));
    assert(idx + 1 == leaf->count ? (!leaf->next || comp_(key, leaf->next->keys[0])) : comp_(key, leaf->keys[idx + 1]));
    if ((idx > 0 || !leaf->prev) && (idx + 1 < leaf->count || !leaf->next)) {
      leaf->keys[idx] = key;
      return iterator(this, leaf, idx);
    }
    V value = std::move(leaf->vals[idx]);
    erase(pos);
    return insert_descending(key, std::move(value)).first;
  }

  void clear() {
    if (root_) free_subtree(root_);
    root_ = nullptr;
    first_ = last_ = nullptr;
    size_ = 0;
  }

  // Structural self-check for tests: order, separators, fill, leaf links, uniform depth, size.
  bool verify() const {
    if (!root_) return (size_ == 0 && !first_ && !last_) || fail(__LINE__);
    int leaf_depth = -1;
    const Leaf* prev_leaf = nullptr;
    size_type counted = 0;
    if (!verify_node(root_, nullptr, nullptr, 0, &leaf_depth, &prev_leaf, &counted, true)) return false;
    return (prev_leaf == last_ && !last_->next && counted == size_ && !first_->prev) || fail(__LINE__);
  }
  // The line of this header where the last failed verify() found the problem.
  int verify_failed_line() const { return verify_failed_line_; }
  int depth() const {
    int d = 0;
    for (const Node* n = root_; n; n = n->leaf ? nullptr : static_cast<const Inner*>(n)->child[0]) ++d;
    return d;
  }

 private:
  struct Path {
    Inner* node[kMaxDepth];
    int child[kMaxDepth];
    int depth = 0;
  };

  // Number of keys k with k < key (Upper: k <= key). A linear count over the contiguous keys, without a
  // branch per key: the loads are independent, so the cache lines of a node are fetched in parallel
  // (a binary search would miss on them one after the other), and nothing mispredicts.
  template <bool Upper>
  int rank(const K* keys, int n, const K& key) const {
    int r = 0;
    for (int i = 0; i < n; ++i) r += Upper ? !comp_(key, keys[i]) : comp_(keys[i], key);
    return r;
  }

  template <bool Upper>
  iterator descend_to(const K& key) {
    if (!root_) return end();
    const Node* n = root_;
    while (!n->leaf) {
      const Inner* in = static_cast<const Inner*>(n);
      n = in->child[rank<true>(in->keys, in->count, key)];
    }
    Leaf* leaf = const_cast<Leaf*>(static_cast<const Leaf*>(n));
    const int pos = rank<Upper>(leaf->keys, leaf->count, key);
    if (pos < leaf->count) return iterator(this, leaf, pos);
    return iterator(this, leaf->next, 0);
  }

  Leaf* descend_path(const K& key, Path& path) {
    Node* n = root_;
    path.depth = 0;
    while (!n->leaf) {
      Inner* in = static_cast<Inner*>(n);
      const int c = rank<true>(in->keys, in->count, key);
      assert(path.depth < kMaxDepth);
      path.node[path.depth] = in;
      path.child[path.depth] = c;
      ++path.depth;
      n = in->child[c];
    }
    return static_cast<Leaf*>(n);
  }

  static Leaf* new_leaf() { return new (FreeList<sizeof(Leaf)>::allocate()) Leaf(); }
  static Inner* new_inner() { return new (FreeList<sizeof(Inner)>::allocate()) Inner(); }
  static void free_leaf(Leaf* leaf) {
    leaf->~Leaf();
    FreeList<sizeof(Leaf)>::release(leaf);
  }
  static void free_inner(Inner* in) {
    in->~Inner();
    FreeList<sizeof(Inner)>::release(in);
  }
  static void free_subtree(Node* n) {
    if (n->leaf) {
      free_leaf(static_cast<Leaf*>(n));
      return;
    }
    Inner* in = static_cast<Inner*>(n);
    for (int i = 0; i <= in->count; ++i) free_subtree(in->child[i]);
    free_inner(in);
  }

  static void insert_in_leaf(Leaf* leaf, int pos, const K& key, V&& value) {
    for (int i = leaf->count; i > pos; --i) {
      leaf->keys[i] = leaf->keys[i - 1];
      leaf->vals[i] = std::move(leaf->vals[i - 1]);
    }
    leaf->keys[pos] = key;
    leaf->vals[pos] = std::move(value);
    ++leaf->count;
  }
  // Destroys the value at once (std::map semantics) and leaves the vacated slot default-constructed.
  static void remove_from_leaf(Leaf* leaf, int pos) {
    for (int i = pos; i + 1 < leaf->count; ++i) {
      leaf->keys[i] = leaf->keys[i + 1];
      leaf->vals[i] = std::move(leaf->vals[i + 1]);
    }
    --leaf->count;
    leaf->vals[leaf->count] = V();
  }
  static void insert_in_inner(Inner* in, int pos, const K& key, Node* right_child) {
    for (int i = in->count; i > pos; --i) {
      in->keys[i] = in->keys[i - 1];
      in->child[i + 1] = in->child[i];
    }
    in->keys[pos] = key;
    in->child[pos + 1] = right_child;
    ++in->count;
  }
  // Removes keys[pos] and child[pos + 1].
  static void remove_from_inner(Inner* in, int pos) {
    for (int i = pos; i + 1 < in->count; ++i) {
      in->keys[i] = in->keys[i + 1];
      in->child[i + 1] = in->child[i + 2];
    }
    --in->count;
  }

  std::pair<iterator, bool> insert_descending(const K& key, V&& value) {
    if (!root_) {
      Leaf* leaf = new_leaf();
      root_ = first_ = last_ = leaf;
      insert_in_leaf(leaf, 0, key, std::move(value));
      size_ = 1;
      return {iterator(this, leaf, 0), true};
    }
    Path path;
    Leaf* leaf = descend_path(key, path);
    int pos = rank<false>(leaf->keys, leaf->count, key);
    if (pos < leaf->count && !comp_(key, leaf->keys[pos])) return {iterator(this, leaf, pos), false};
    ++size_;
    if (leaf->count < LeafCap) {
      insert_in_leaf(leaf, pos, key, std::move(value));
      return {iterator(this, leaf, pos), true};
    }
    // Split the leaf. Appending at the end of the map (ascending inserts, top-down mmap below the
    // highest VMA) leaves the old leaf three quarters full instead of half, so the tree stays dense.
    const int split = (pos == LeafCap && !leaf->next) ? LeafCap - LeafCap / 4 : LeafCap / 2;
    Leaf* right = new_leaf();
    for (int i = split; i < LeafCap; ++i) {
      right->keys[i - split] = leaf->keys[i];
      right->vals[i - split] = std::move(leaf->vals[i]);
    }
    right->count = LeafCap - split;
    leaf->count = split;
    right->next = leaf->next;
    right->prev = leaf;
    if (leaf->next)
      leaf->next->prev = right;
    else
      last_ = right;
    leaf->next = right;
    Leaf* target = leaf;
    if (pos > split) {
      target = right;
      pos -= split;
    }
    insert_in_leaf(target, pos, key, std::move(value));
    const iterator result(this, target, pos);
    insert_separator(path, right->keys[0], right);
    return {result, true};
  }

  // After a split at the bottom of path: links right_child, whose smallest key is sep, into the parent,
  // splitting inner nodes upwards as needed.
  void insert_separator(Path& path, K sep, Node* right_child) {
    for (int level = path.depth - 1; level >= 0; --level) {
      Inner* in = path.node[level];
      const int pos = path.child[level];
      if (in->count < InnerCap) {
        insert_in_inner(in, pos, sep, right_child);
        return;
      }
      // Split: keys[mid] moves up; the left keeps keys[0, mid), the right keys[mid + 1, InnerCap).
      const int mid = InnerCap / 2;
      Inner* right = new_inner();
      for (int i = mid + 1; i < InnerCap; ++i) right->keys[i - mid - 1] = in->keys[i];
      for (int i = mid + 1; i <= InnerCap; ++i) right->child[i - mid - 1] = in->child[i];
      right->count = InnerCap - mid - 1;
      const K up = in->keys[mid];
      in->count = mid;
      if (pos <= mid)
        insert_in_inner(in, pos, sep, right_child);
      else
        insert_in_inner(right, pos - mid - 1, sep, right_child);
      sep = up;
      right_child = right;
    }
    // The root split: a new root above.
    Inner* root = new_inner();
    root->child[0] = root_;
    root->keys[0] = sep;
    root->child[1] = right_child;
    root->count = 1;
    root_ = root;
  }

  void rebalance_leaf(Leaf* leaf, Path& path) {
    if (leaf->count >= kLeafMin || path.depth == 0) return;
    Inner* parent = path.node[path.depth - 1];
    const int c = path.child[path.depth - 1];
    Leaf* left = c > 0 ? static_cast<Leaf*>(parent->child[c - 1]) : nullptr;
    Leaf* right = c < parent->count ? static_cast<Leaf*>(parent->child[c + 1]) : nullptr;
    if (left && left->count > kLeafMin) {  // borrow the left sibling's last entry
      insert_in_leaf(leaf, 0, left->keys[left->count - 1], std::move(left->vals[left->count - 1]));
      remove_from_leaf(left, left->count - 1);
      parent->keys[c - 1] = leaf->keys[0];
      return;
    }
    if (right && right->count > kLeafMin) {  // borrow the right sibling's first entry
      insert_in_leaf(leaf, leaf->count, right->keys[0], std::move(right->vals[0]));
      remove_from_leaf(right, 0);
      parent->keys[c] = right->keys[0];
      return;
    }
    // Merge with a sibling (both at or below the minimum, so they fit in one leaf).
    Leaf* dst = left ? left : leaf;
    Leaf* src = left ? leaf : right;
    const int sep_index = left ? c - 1 : c;
    for (int i = 0; i < src->count; ++i) {
      dst->keys[dst->count + i] = src->keys[i];
      dst->vals[dst->count + i] = std::move(src->vals[i]);
    }
    dst->count += src->count;
    dst->next = src->next;
    if (src->next)
      src->next->prev = dst;
    else
      last_ = dst;
    free_leaf(src);
    remove_from_inner(parent, sep_index);
    rebalance_inner(path);  // the parent, at the bottom of path, lost a child
  }

  // The node at the bottom of path (path.node[path.depth - 1]) may have lost a child.
  void rebalance_inner(Path& path) {
    while (path.depth > 0) {
      Inner* in = path.node[path.depth - 1];
      if (path.depth == 1) {  // the root: collapse it when it has a single child
        if (in->count == 0) {
          root_ = in->child[0];
          free_inner(in);
        }
        return;
      }
      if (in->count >= kInnerMin) return;
      Inner* parent = path.node[path.depth - 2];
      const int c = path.child[path.depth - 2];
      Inner* left = c > 0 ? static_cast<Inner*>(parent->child[c - 1]) : nullptr;
      Inner* right = c < parent->count ? static_cast<Inner*>(parent->child[c + 1]) : nullptr;
      if (left && left->count > kInnerMin) {  // rotate right through the parent
        for (int i = in->count; i > 0; --i) in->keys[i] = in->keys[i - 1];
        for (int i = in->count + 1; i > 0; --i) in->child[i] = in->child[i - 1];
        in->keys[0] = parent->keys[c - 1];
        in->child[0] = left->child[left->count];
        ++in->count;
        parent->keys[c - 1] = left->keys[left->count - 1];
        --left->count;
        return;
      }
      if (right && right->count > kInnerMin) {  // rotate left through the parent
        in->keys[in->count] = parent->keys[c];
        in->child[in->count + 1] = right->child[0];
        ++in->count;
        parent->keys[c] = right->keys[0];
        for (int i = 0; i + 1 < right->count; ++i) right->keys[i] = right->keys[i + 1];
        for (int i = 0; i < right->count; ++i) right->child[i] = right->child[i + 1];
        --right->count;
        return;
      }
      Inner* dst = left ? left : in;
      Inner* src = left ? in : right;
      const int sep_index = left ? c - 1 : c;
      dst->keys[dst->count] = parent->keys[sep_index];
      for (int i = 0; i < src->count; ++i) dst->keys[dst->count + 1 + i] = src->keys[i];
      for (int i = 0; i <= src->count; ++i) dst->child[dst->count + 1 + i] = src->child[i];
      dst->count += src->count + 1;
      free_inner(src);
      remove_from_inner(parent, sep_index);
      --path.depth;
    }
  }

  // lo/hi: exclusive bounds from the separators above (null: unbounded); keys must be >= lo, < hi.
  bool verify_node(const Node* n, const K* lo, const K* hi, int depth, int* leaf_depth, const Leaf** prev_leaf,
                   size_type* counted, bool is_root) const {
    const auto in_bounds = [&](const K& k) { return (!lo || !comp_(k, *lo)) && (!hi || comp_(k, *hi)); };
    if (n->leaf) {
      const Leaf* leaf = static_cast<const Leaf*>(n);
      if (*leaf_depth < 0) *leaf_depth = depth;
      if (*leaf_depth != depth) return fail(__LINE__);
      if (leaf->count < (is_root ? 1 : kLeafMin) || leaf->count > LeafCap) return fail(__LINE__);
      for (int i = 0; i < leaf->count; ++i) {
        if (!in_bounds(leaf->keys[i])) return fail(__LINE__);
        if (i > 0 && !comp_(leaf->keys[i - 1], leaf->keys[i])) return fail(__LINE__);
      }
      if (leaf->prev != *prev_leaf) return fail(__LINE__);
      if (*prev_leaf ? (*prev_leaf)->next != leaf : first_ != leaf) return fail(__LINE__);
      *prev_leaf = leaf;
      *counted += static_cast<size_type>(leaf->count);
      return true;
    }
    const Inner* in = static_cast<const Inner*>(n);
    if (in->count < (is_root ? 1 : kInnerMin) || in->count > InnerCap) return fail(__LINE__);
    for (int i = 0; i < in->count; ++i) {
      if (!in_bounds(in->keys[i])) return fail(__LINE__);
      if (i > 0 && !comp_(in->keys[i - 1], in->keys[i])) return fail(__LINE__);
    }
    for (int i = 0; i <= in->count; ++i) {
      const K* clo = i == 0 ? lo : &in->keys[i - 1];
      const K* chi = i == in->count ? hi : &in->keys[i];
      if (!verify_node(in->child[i], clo, chi, depth + 1, leaf_depth, prev_leaf, counted, false)) return false;
    }
    return true;
  }

  bool fail(int line) const {
    verify_failed_line_ = line;
    return false;
  }

  Node* root_ = nullptr;
  Leaf* first_ = nullptr;
  Leaf* last_ = nullptr;
  size_type size_ = 0;
  Compare comp_{};
  mutable int verify_failed_line_ = 0;
};

}  // namespace vmaprep::model
