package org.tidings.subscriptions.control;

import java.util.Arrays;

/**
 * One node of a {@link UriPrefixTree}: the run of characters on the edge into it, its children and its value.
 * Laid out for trees too big for the CPU cache: one char array holds the node's label followed by its children's
 * first characters (searched without touching any child), so a step down loads the child, its characters and its
 * children array, and no String objects at all.
 */
final class RadixNode<V> {

    @SuppressWarnings("rawtypes")
    private static final RadixNode[] NO_CHILDREN = {};

    /** The label, then one first character per child, sorted. */
    private char[] characters;
    private int labelLength;
    @SuppressWarnings("unchecked")
    private RadixNode<V>[] children = NO_CHILDREN;
    V value;

    RadixNode(String text, int from, int to) {
        this(text.substring(from, to).toCharArray());
    }

    private RadixNode(char[] label) {
        this.characters = label;
        this.labelLength = label.length;
    }

    int labelLength() {
        return labelLength;
    }

    char labelChar(int index) {
        return characters[index];
    }

    /** How many leading characters of the label equal those of the text from the offset on. */
    int matchLength(String text, int from) {
        int max = Math.min(labelLength, text.length() - from);
        int n = 0;
        while (n < max && characters[n] == text.charAt(from + n)) {
            n++;
        }
        return n;
    }

    /** Whether the whole label occurs in the text at the offset. */
    boolean labelAt(String text, int from) {
        return matchLength(text, from) == labelLength;
    }

    RadixNode<V> child(char first) {
        int at = indexOf(first);
        return at >= 0 ? children[at] : null;
    }

    /** Binary search on the children's first characters; -(insertion point) - 1 when absent. */
    int indexOf(char first) {
        int at = Arrays.binarySearch(characters, labelLength, characters.length, first);
        return at >= 0 ? at - labelLength : at + labelLength;
    }

    RadixNode<V> childAt(int at) {
        return children[at];
    }

    int childCount() {
        return children.length;
    }

    void insertChild(int at, RadixNode<V> child) {
        char[] grown = new char[characters.length + 1];
        System.arraycopy(characters, 0, grown, 0, labelLength + at);
        grown[labelLength + at] = child.characters[0];
        System.arraycopy(characters, labelLength + at, grown, labelLength + at + 1, children.length - at);
        RadixNode<V>[] more = Arrays.copyOf(children, children.length + 1);
        System.arraycopy(children, at, more, at + 1, children.length - at);
        more[at] = child;
        characters = grown;
        children = more;
    }

    void removeChild(RadixNode<V> child) {
        int at = indexOf(child.characters[0]);
        char[] shrunk = new char[characters.length - 1];
        System.arraycopy(characters, 0, shrunk, 0, labelLength + at);
        System.arraycopy(characters, labelLength + at + 1, shrunk, labelLength + at, children.length - at - 1);
        RadixNode<V>[] fewer = Arrays.copyOf(children, children.length - 1);
        System.arraycopy(children, at + 1, fewer, at, children.length - at - 1);
        characters = shrunk;
        children = fewer;
    }

    /**
     * Splits the edge into the child at the given index after {@code length} characters: a new valueless node
     * takes the child's place and holds the child, whose label keeps the rest. Returns the new node.
     */
    RadixNode<V> splitChild(int at, int length) {
        RadixNode<V> child = children[at];
        RadixNode<V> middle = new RadixNode<>(Arrays.copyOf(child.characters, length));
        child.characters = Arrays.copyOfRange(child.characters, length, child.characters.length);
        child.labelLength -= length;
        middle.insertChild(0, child);
        children[at] = middle;
        return middle;
    }

    /** A valueless node with one child becomes that child, keeping its own place in its parent. */
    void absorbOnlyChild() {
        RadixNode<V> only = children[0];
        char[] joined = Arrays.copyOf(characters, labelLength + only.characters.length);
        System.arraycopy(only.characters, 0, joined, labelLength, only.characters.length);
        characters = joined;
        labelLength += only.labelLength;
        value = only.value;
        children = only.children;
    }
}
