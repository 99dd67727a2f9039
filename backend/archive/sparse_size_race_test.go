//go:build race

package archive

// sparseTestSize is 256 MiB under the race detector, which slows the
// compressor's pure-Go loops over the holes' zeros tenfold; the 64 MiB
// tmpfs still proves the holes are kept.
const sparseTestSize = 256 << 20
