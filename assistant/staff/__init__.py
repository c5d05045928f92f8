"""Tools for recruitment staff over what the bots stored: the report of candidates' questions
(`report`), proposed examples for the knowledge base (`suggest`), and the HTML page of the report.

They read the bots' database (`assistant.storage`) and use the knowledge base's own topic model to
group unanswered questions: nothing here writes to the knowledge base; staff review and move examples
themselves, then run `candidate-assistant kb check`.
"""
