// Side-effect imports: every built-in method registers itself when its package index loads.
import "@inseqjs/gradient";
import "@inseqjs/layer";
import "@inseqjs/dig";
