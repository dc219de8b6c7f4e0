"""nerdesk.gui"""
