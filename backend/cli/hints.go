package cli

// hints are what the command line adds to an error, chosen by its code
// (backend/view's error table): the command that helps. Domain messages
// never name a command; the desktop app adds its own hint (a screen) from
// the same code.
var hints = map[string]string{
	"no_space":                "free some space, or move the archives with `rewind storage move DIR`",
	"backup_not_found":        "`rewind backup list` shows the ids",
	"not_configured":          "run `rewind init --project DIR` first",
	"deployment_unknown":      "run `rewind init --project DIR` first",
	"nothing_to_roll_back":    "`rewind upgrade list` shows the upgrades",
	"upgrade_not_in_effect":   "`rewind upgrade list` shows the upgrades",
	"rollback_failed":         "`rewind rollback --yes` tries the rollback again",
	"upgrade_not_rolled_back": "`rewind rollback --yes` goes back to the version that ran before",
	"restore_mount_point":     "`rewind backup show ID` names the archive to copy files from",
	"confirmation_required":   "pass --yes to confirm",
	"location_conflict":       "choose another directory with `rewind init --project DIR --storage DIR`, or `rewind storage move DIR`",
}

// withHint returns msg followed by the hint for code, if there is one.
func withHint(msg, code string) string {
	h, ok := hints[code]
	if !ok || h == "" {
		return msg
	}
	return msg + "; " + h
}
