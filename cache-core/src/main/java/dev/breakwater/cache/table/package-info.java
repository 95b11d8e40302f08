/**
 * Tables (kubectl's human output): the apiserver's printers ported for the built-ins people list most
 * ({@link dev.breakwater.cache.table.BuiltInTableConvertors}), CRD printer columns
 * ({@link dev.breakwater.cache.table.CustomResourceTableConvertor}, JSONPath as the CRD convertor evaluates
 * it), and the Table bodies of LISTs, GETs and watch events ({@link dev.breakwater.cache.table.TableEncoder},
 * {@link dev.breakwater.cache.table.TableWatchEncoder}); a LIST's rows come from
 * {@link dev.breakwater.cache.table.RowTemplate}s extracted once per object version and memoized by
 * {@link dev.breakwater.cache.table.TableRowCells}, only the time-relative cells
 * ({@link dev.breakwater.cache.table.Since}) printed per request.
 */
package dev.breakwater.cache.table;
