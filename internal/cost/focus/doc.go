// Package focus reads cloud bills in the FinOps Foundation's FOCUS format
// (versions 1.0 to 1.3) as a stream of rows, for the cost importer to
// allocate.
//
// # Formats
//
// Open looks at the content, not the name: gzip is unwrapped and looked
// into again; "PAR1" is Parquet (read through io.ReaderAt); anything else
// is CSV, comma-separated unless the header line has no comma but
// semicolons or tabs. A UTF-8 byte order mark is skipped. CSV quoting is
// RFC 4180, as encoding/csv reads it (see splitter for the one
// leniency). Parquet columns may be strings, doubles, DECIMALs, integers,
// DATEs, TIMESTAMPs or INT96; a MAP column (AWS writes Tags as
// map<string,string>) reads as a JSON object; other nested columns read
// as "".
//
// # What is accepted, and counted
//
// Real exports are dirty; the reader takes what it can read unambiguously
// and says so in Stats, with the first lines of each kind in
// Stats.Examples:
//   - NULL, null (any case) and empty cells are absent values;
//   - datetimes in RFC 3339 (Z or an offset, with or without fractional
//     seconds), with a space for the T, without a zone, with " UTC", or a
//     bare date, all read as UTC;
//   - decimals with an exponent (1e-05), trailing zeros, a sign
//     (negative costs are credits and kept);
//   - tag keys with surrounding spaces are trimmed; Tags that are not a
//     JSON object leave the row untagged;
//   - a NULL ListCost, or no ListCost column at all, is 0.
//
// What cannot be read is a *RowError for that row (a cost that is NULL or
// not a number, a NULL currency or period start, a datetime that is not
// one, a row with the wrong number of fields): the caller decides whether
// to fail or skip it, and the reader goes on. A file without the columns
// paved needs, or with a column twice, is a *HeaderError from Open; a
// file that stops being readable (a truncated gzip stream) is a
// *FileError from Next.
//
// # Cost
//
// The reader streams: it holds one record at a time. Per CSV row it
// allocates one string (the row's bytes, which the fields are cut from);
// decoded Tags, datetimes and the values of low-cardinality columns are
// cached and shared across rows. A Reader is not safe for concurrent use.
package focus
