//go:build !crashtest

// Package crashpoint marks the named steps of mutating operations. In normal
// builds Hit does nothing. Built with the crashtest tag, the process kills
// itself with SIGKILL at the step named by REWIND_CRASH_AT, which is how the
// crash tests prove that recovery handles an interruption at every step.
package crashpoint

// Hit marks that the operation reached the named step.
func Hit(name string) {}

// Enabled reports whether this build can crash on demand.
const Enabled = false

// Skip reports whether the test asked to skip the named check. Always false
// in normal builds.
func Skip(name string) bool { return false }
