// Package queuestorageextension provides the queue_storage extension: a
// storage.Extension for the exporter helper's persistent sending queue that
// keeps one file per key (the value is written into a spare file that is
// then atomically swapped with the key's file), so each Set writes exactly
// the value's bytes once instead of rewriting B+tree pages as a
// bbolt-backed file_storage does.
package queuestorageextension
