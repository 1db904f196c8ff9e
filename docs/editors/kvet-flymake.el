;;; kvet-flymake.el --- Flymake backend for kvet  -*- lexical-binding: t -*-

;; Lints the buffer as you type: the buffer is piped to
;; `kvet lint --stdin-filename FILE -', so kvet applies the configuration,
;; exclude list, suppressions and baseline of the file the buffer visits.
;; kvet's columns count bytes; they are converted to buffer positions, so
;; findings after non-ASCII text are placed exactly.
;;
;; Install: put this file on your load-path, then
;;   (require 'kvet-flymake)
;;   (add-hook 'yaml-mode-hook #'kvet-flymake-setup)     ; or yaml-ts-mode-hook
;;   (add-hook 'yaml-mode-hook #'flymake-mode)

;;; Code:

(require 'flymake)

(defvar-local kvet-flymake--process nil
  "The kvet process of the buffer's last check.")

(defconst kvet-flymake--line-regexp
  "^\\([^ \n][^\n]*?\\):\\([0-9]+\\):\\([0-9]+\\): \\(error\\|warning\\|info\\): \\(.*\\)$"
  "A finding of kvet's text format: file:line:col: severity: message (rule-id).")

(defun kvet-flymake--position (source line col)
  "Position in SOURCE of 1-based LINE and byte column COL."
  (with-current-buffer source
    (save-excursion
      (save-restriction
        (widen)
        (goto-char (point-min))
        (forward-line (1- line))
        (let ((bol (point)))
          (min (line-end-position)
               (or (byte-to-position (+ (position-bytes bol) (1- col))) bol)))))))

(defun kvet-flymake--parse (source)
  "Flymake diagnostics of kvet's output in the current buffer, for SOURCE."
  (let (diags)
    (goto-char (point-min))
    (while (re-search-forward kvet-flymake--line-regexp nil t)
      (let* ((beg (kvet-flymake--position source (string-to-number (match-string 2))
                                          (string-to-number (match-string 3))))
             (end (with-current-buffer source
                    (save-excursion (goto-char beg) (max (line-end-position) (1+ beg)))))
             (type (pcase (match-string 4)
                     ("error" :error) ("warning" :warning) (_ :note))))
        (push (flymake-make-diagnostic source beg end type (match-string 5)) diags)))
    (nreverse diags)))

(defun kvet-flymake (report-fn &rest _args)
  "Flymake backend running kvet on the current buffer; see REPORT-FN."
  (unless (executable-find "kvet")
    (error "Cannot find kvet on exec-path"))
  (when (process-live-p kvet-flymake--process)
    (kill-process kvet-flymake--process))
  (let ((source (current-buffer))
        (name (file-relative-name (or (buffer-file-name) (expand-file-name (buffer-name))))))
    (save-restriction
      (widen)
      (setq kvet-flymake--process
            (make-process
             :name "kvet-flymake" :noquery t :connection-type 'pipe
             :buffer (generate-new-buffer " *kvet-flymake*")
             :command (list "kvet" "lint" "--quiet" "--color" "never" "--fail-on" "none"
                            "--stdin-filename" name "-")
             :sentinel
             (lambda (proc _event)
               (when (memq (process-status proc) '(exit signal))
                 (unwind-protect
                     (if (with-current-buffer source (eq proc kvet-flymake--process))
                         (with-current-buffer (process-buffer proc)
                           (funcall report-fn (kvet-flymake--parse source)))
                       (flymake-log :warning "Canceling obsolete check %s" proc))
                   (kill-buffer (process-buffer proc)))))))
      (process-send-region kvet-flymake--process (point-min) (point-max))
      (process-send-eof kvet-flymake--process))))

;;;###autoload
(defun kvet-flymake-setup ()
  "Use kvet as a Flymake backend in the current buffer."
  (add-hook 'flymake-diagnostic-functions #'kvet-flymake nil t))

(provide 'kvet-flymake)
;;; kvet-flymake.el ends here
