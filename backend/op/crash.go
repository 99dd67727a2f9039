package op

import "rewind/backend/crashpoint"

// crashHit is the crash point of the crashtest build (REWIND_CRASH_AT).
func crashHit(name string) { crashpoint.Hit(name) }
