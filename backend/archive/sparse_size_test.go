//go:build !race

package archive

// sparseTestSize is the apparent size of TestSparseFileKeepsHoles's file.
const sparseTestSize = 10 << 30
